#include "runtime/kernels/helpers/blocked_conv.h"
#include "runtime/kernels/helpers/blocked_layout.h"
#include "runtime/kernels/helpers/packed_gemm.h"

namespace rknnc::runtime::kernels {
namespace {

// rknnc.ToPlain(X[N, C/16, H, W, 16]) -> Y[N, C, H, W], C the `channels`
// attribute: a blocked value for the ops that read NCHW (runtime/layout_plan.h).
void to_plain_f32(KernelContext& ctx) {
  const ir::Shape& x = ctx.in(0).shape();
  const int64_t c = ctx.attrs().get_int("channels", 0);
  if (x.size() != 5 || x[4] != kChannelBlock || c <= 0 || x[1] != channel_blocks(c))
    ctx.fail("input {} is not a channel-blocked image of {} channels", ir::shape_str(x), c);
  const int64_t plane = x[2] * x[3];
  ir::Tensor& y = ctx.set_output_unfilled(0, ir::DataType::Float32, {x[0], c, x[2], x[3]});
  for (int64_t img = 0; img < x[0]; ++img)
    blocked_to_plain(ctx.in(0).data<float>() + img * x[1] * plane * kChannelBlock, c, plane,
                     y.data<float>() + img * c * plane, ctx.pool, gemm_isa());
}

RKNNC_KERNEL("rknnc.ToPlain", ir::DataType::Float32, to_plain_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
