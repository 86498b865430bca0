#include "runtime/kernels/helpers/conv_shape.h"

namespace rknnc::runtime::kernels {

bool ConvShape::pointwise() const {
  bool p = w.kernel_size() == 1;
  for (int d = 0; d < 3; ++d) p = p && w.stride[d] == 1 && w.pad_begin[d] == 0 && w.pad_end[d] == 0;
  return p;
}

ConvShape conv_geometry(const KernelContext& ctx, const ir::Shape& x) {
  const ir::Tensor& wt = ctx.in(1);
  const ir::Tensor* bias = ctx.opt(2);
  const auto spatial = spatial_dims(ctx, x);
  if (wt.shape().size() != x.size())
    ctx.fail("weight shape {} does not match input rank {}", ir::shape_str(wt.shape()), x.size());
  ConvShape s;
  s.n = x[0], s.c = x[1], s.m = wt.shape()[0], s.cg = wt.shape()[1];
  s.group = ctx.attrs().get_int("group", 1);
  if (s.group <= 0 || s.c != s.cg * s.group || s.m % s.group != 0)
    ctx.fail("input channels {} and weight {} do not fit group {}", s.c, ir::shape_str(wt.shape()), s.group);
  s.mg = s.m / s.group;
  if (bias && bias->numel() != s.m) ctx.fail("bias has {} values for {} output channels", bias->numel(), s.m);
  std::vector<int64_t> kernel(wt.shape().begin() + 2, wt.shape().end());
  const auto given = ctx.attrs().get_ints("kernel_shape");
  if (!given.empty() && given != kernel) ctx.fail("kernel_shape does not match the weight shape");
  s.w = sliding_window(ctx, spatial, kernel, false);
  return s;
}

ConvShape conv_shape(KernelContext& ctx, ir::DataType dtype, bool zeroed) {
  const ConvShape s = conv_geometry(ctx, ctx.in(0).shape());
  const ir::Shape shape = window_output_shape(s.n, s.m, s.w);
  if (zeroed) ctx.set_output(0, dtype, shape);
  else ctx.set_output_unfilled(0, dtype, shape);
  return s;
}

}  // namespace rknnc::runtime::kernels
