#include "runtime/kernels/helpers/normalize.h"

namespace rknnc::runtime::kernels {
namespace {

// Statistics per (n, group of C / num_groups channels). Opset 18 gives scale
// and bias per group, opset 21 per channel: told apart by their length.
void group_normalization_f32(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  if (x.shape().size() < 2) ctx.fail("input must be [N, C, …], got {}", ir::shape_str(x.shape()));
  const int64_t groups = ctx.attrs().get_int("num_groups", 0);
  const int64_t n = x.shape()[0], c = x.shape()[1];
  if (groups <= 0 || c % groups != 0) ctx.fail("num_groups {} does not divide the {} channels", groups, c);
  const int64_t spatial = n * c > 0 ? x.numel() / (n * c) : 0;
  const int64_t per_group = c / groups;
  const int64_t affine_len = ctx.in(1).numel();
  if (affine_len != c && affine_len != groups)
    ctx.fail("scale has {} values; expected {} (per channel) or {} (per group)", affine_len, c, groups);
  if (ctx.in(2).numel() != affine_len) ctx.fail("bias has {} values, scale {}", ctx.in(2).numel(), affine_len);
  // A row is one group: per_group channels of `spatial` values, or one
  // per-group value spanning the whole row.
  const bool per_channel = affine_len == c;
  const ChannelAffine affine{ctx.in(1).data<float>(), ctx.in(2).data<float>(), affine_len, per_channel ? per_group : 1,
                             per_channel ? spatial : spatial * per_group};
  ir::Tensor& y = ctx.set_output(0, x.dtype(), x.shape());
  normalize_rows(ctx, x.data<float>(), y.data<float>(), n * groups, per_group * spatial,
                 ctx.attrs().get_float("epsilon", 1e-5f), affine);
}

RKNNC_KERNEL("GroupNormalization", ir::DataType::Float32, group_normalization_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
