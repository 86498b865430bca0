#include "runtime/kernels/helpers/blocked_conv.h"
#include "runtime/kernels/helpers/blocked_layout.h"
#include "runtime/kernels/helpers/packed_gemm.h"

namespace rknnc::runtime::kernels {
namespace {

// rknnc.ToBlocked(X[N, C, H, W]) -> Y[N, C/16, H, W, 16], padding lanes 0:
// an NCHW value for the ops that read it channel-blocked (runtime/layout_plan.h).
void to_blocked_f32(KernelContext& ctx) {
  const ir::Shape& x = ctx.in(0).shape();
  if (x.size() != 4 || x[1] != ctx.attrs().get_int("channels", 0))
    ctx.fail("input {} is not an N, C, H, W image of {} channels", ir::shape_str(x),
             ctx.attrs().get_int("channels", 0));
  const int64_t plane = x[2] * x[3], blocks = channel_blocks(x[1]);
  ir::Tensor& y = ctx.set_output_unfilled(0, ir::DataType::Float32, {x[0], blocks, x[2], x[3], kChannelBlock});
  for (int64_t img = 0; img < x[0]; ++img)
    plain_to_blocked(ctx.in(0).data<float>() + img * x[1] * plane, x[1], plane,
                     y.data<float>() + img * blocks * plane * kChannelBlock, ctx.pool, gemm_isa());
}

RKNNC_KERNEL("rknnc.ToBlocked", ir::DataType::Float32, to_blocked_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
