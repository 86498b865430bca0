#include "runtime/kernels/helpers/normalize.h"

namespace rknnc::runtime::kernels {
namespace {

// Y = (X - mean) / sqrt(var + eps) · scale[c] + B[c], statistics per (n, c).
void instance_normalization_f32(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  if (x.shape().size() < 3) ctx.fail("input must be [N, C, D1, …], got {}", ir::shape_str(x.shape()));
  const int64_t n = x.shape()[0], c = x.shape()[1];
  const int64_t spatial = n * c > 0 ? x.numel() / (n * c) : 0;
  for (size_t i = 1; i <= 2; ++i)
    if (ctx.in(i).numel() != c) ctx.fail("input {} has {} values for {} channels", i, ctx.in(i).numel(), c);
  ir::Tensor& y = ctx.set_output(0, x.dtype(), x.shape());
  normalize_rows(ctx, x.data<float>(), y.data<float>(), n * c, spatial, ctx.attrs().get_float("epsilon", 1e-5f),
                 ChannelAffine{ctx.in(1).data<float>(), ctx.in(2).data<float>(), c, 1, spatial});
}

RKNNC_KERNEL("InstanceNormalization", ir::DataType::Float32, instance_normalization_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
