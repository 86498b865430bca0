#include "runtime/kernels/helpers/conv_transpose_shape.h"

namespace rknnc::runtime::kernels {
namespace {

// The ConvTranspose geometry as the Window of the adjoint Conv.
Window transpose_window(const KernelContext& ctx, const std::vector<int64_t>& in, const std::vector<int64_t>& kernel) {
  const size_t r = in.size();
  const auto strides = ints_or(ctx, "strides", r, 1), dil = ints_or(ctx, "dilations", r, 1);
  const auto out_pad = ints_or(ctx, "output_padding", r, 0);
  auto pads = ints_or(ctx, "pads", 2 * r, 0);
  const auto out_shape = ctx.attrs().get_ints("output_shape");
  const std::string auto_pad = ctx.attrs().get_string("auto_pad", "NOTSET");
  Window w;
  w.rank = r;
  for (size_t i = 0; i < r; ++i) {
    const size_t d = 3 - r + i;
    if (strides[i] <= 0 || dil[i] <= 0) ctx.fail("strides and dilations must be positive");
    const int64_t extent = (kernel[i] - 1) * dil[i] + 1;
    const int64_t full = strides[i] * (in[i] - 1) + out_pad[i] + extent;
    int64_t size;
    if (!out_shape.empty()) {
      if (out_shape.size() != r) ctx.fail("output_shape has {} values for {} spatial dims", out_shape.size(), r);
      size = out_shape[i];
    } else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      size = in[i] * strides[i];
    } else {
      size = full - pads[i] - pads[i + r];
    }
    if (!out_shape.empty() || auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      // SAME_UPPER (and an explicit output_shape) put the odd pad at the end.
      const int64_t total = full - size;
      const bool lower = auto_pad == "SAME_LOWER";
      pads[i] = lower ? total - total / 2 : total / 2;
      pads[i + r] = total - pads[i];
    }
    if (size <= 0) ctx.fail("computed output size {} is not positive", size);
    w.in[d] = size;
    w.out[d] = in[i];
    w.kernel[d] = kernel[i];
    w.stride[d] = strides[i];
    w.dilation[d] = dil[i];
    w.pad_begin[d] = pads[i];
    w.pad_end[d] = pads[i + r];
  }
  return w;
}

}  // namespace

ConvTransposeShape conv_transpose_shape(KernelContext& ctx, ir::DataType dtype) {
  const ir::Tensor& x = ctx.in(0);
  const ir::Tensor& wt = ctx.in(1);
  const ir::Tensor* bias = ctx.opt(2);
  const auto spatial = spatial_dims(ctx, x.shape());
  if (wt.shape().size() != x.shape().size()) ctx.fail("weight shape {} does not match the input rank", ir::shape_str(wt.shape()));
  ConvTransposeShape s;
  s.group = ctx.attrs().get_int("group", 1);
  s.n = x.shape()[0], s.c = x.shape()[1], s.mg = wt.shape()[1];
  if (s.group <= 0 || wt.shape()[0] != s.c || s.c % s.group != 0)
    ctx.fail("input channels {} and weight {} do not fit group {}", s.c, ir::shape_str(wt.shape()), s.group);
  s.m = s.mg * s.group, s.cg = s.c / s.group;
  if (bias && bias->numel() != s.m) ctx.fail("bias has {} values for {} output channels", bias->numel(), s.m);
  const std::vector<int64_t> kernel(wt.shape().begin() + 2, wt.shape().end());
  s.w = transpose_window(ctx, spatial, kernel);
  ir::Shape yshape{s.n, s.m};
  for (size_t d = 3 - s.w.rank; d < 3; ++d) yshape.push_back(s.w.in[d]);
  ctx.set_output(0, dtype, yshape);
  return s;
}

}  // namespace rknnc::runtime::kernels
