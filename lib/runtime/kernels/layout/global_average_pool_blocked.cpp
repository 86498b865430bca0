#include "runtime/kernel.h"
#include "runtime/kernels/helpers/blocked_conv.h"

namespace rknnc::runtime::kernels {
namespace {

// rknnc.GlobalAveragePoolBlocked: GlobalAveragePool of a channel-blocked
// image (runtime/layout_plan.h) to a blocked 1x1 one. Each channel is summed
// from 0 over its pixels in order, then divided by their count, as the NCHW
// kernel's reduce_axes folds it: the same bits (padding lanes 0).
void global_average_pool_blocked_f32(KernelContext& ctx) {
  const ir::Shape& x = ctx.in(0).shape();
  if (x.size() != 5 || x[4] != kChannelBlock) ctx.fail("input {} is not a channel-blocked image", ir::shape_str(x));
  const int64_t plane = x[2] * x[3], blocks = x[0] * x[1];
  const float* src = ctx.in(0).data<float>();
  float* dst = ctx.set_output_unfilled(0, ir::DataType::Float32, {x[0], x[1], 1, 1, kChannelBlock}).data<float>();
  ctx.pool.parallel_for(blocks, plane * kChannelBlock, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      const float* p = src + i * plane * kChannelBlock;
      float acc[kChannelBlock] = {};
      for (int64_t q = 0; q < plane; ++q)
        for (int64_t l = 0; l < kChannelBlock; ++l) acc[l] = acc[l] + p[q * kChannelBlock + l];
      for (int64_t l = 0; l < kChannelBlock; ++l)
        dst[i * kChannelBlock + l] = plane ? acc[l] / static_cast<float>(plane) : 0.0f;
    }
  });
}

RKNNC_KERNEL("rknnc.GlobalAveragePoolBlocked", ir::DataType::Float32, global_average_pool_blocked_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
