#include "runtime/kernel.h"
#include "runtime/kernels/helpers/blocked_conv.h"
#include "runtime/kernels/helpers/normalize.h"

namespace rknnc::runtime::kernels {
namespace {

// rknnc.BatchNormalizationBlocked: BatchNormalization of a channel-blocked
// image (runtime/layout_plan.h), y = x * mul + add with batch_normalization.cpp's
// coefficients and expression; padding lanes get 0.
void batch_normalization_blocked_f32(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  const ir::Shape& s = x.shape();
  const int64_t c = ctx.in(1).numel();
  if (s.size() != 5 || s[4] != kChannelBlock || s[1] != channel_blocks(c))
    ctx.fail("input {} is not a channel-blocked image of {} channels", ir::shape_str(s), c);
  BatchNormAffine affine = batch_norm_affine(ctx, c);
  affine.mul.resize(static_cast<size_t>(s[1] * kChannelBlock), 0.0f);
  affine.add.resize(affine.mul.size(), 0.0f);
  ir::Tensor& y = ctx.set_output_in_place(0, x.dtype(), s, 0);
  const int64_t plane = s[2] * s[3];
  const float* px = x.data<float>();
  float* py = y.data<float>();
  ctx.pool.parallel_for(s[0] * s[1], plane * kChannelBlock, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      float m[kChannelBlock], a[kChannelBlock];  // local: py may alias the vectors for all the compiler knows
      for (int64_t l = 0; l < kChannelBlock; ++l) {
        m[l] = affine.mul[static_cast<size_t>(i % s[1] * kChannelBlock + l)];
        a[l] = affine.add[static_cast<size_t>(i % s[1] * kChannelBlock + l)];
      }
      const float* xp = px + i * plane * kChannelBlock;
      float* yp = py + i * plane * kChannelBlock;
      for (int64_t p = 0; p < plane; ++p)
        for (int64_t l = 0; l < kChannelBlock; ++l) yp[p * kChannelBlock + l] = xp[p * kChannelBlock + l] * m[l] + a[l];
    }
  });
}

RKNNC_KERNEL("rknnc.BatchNormalizationBlocked", ir::DataType::Float32, batch_normalization_blocked_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
