#include <vector>

#include "runtime/kernels/helpers/conv_loops.h"
#include "runtime/kernels/helpers/gemm.h"
#include "runtime/kernels/helpers/fused_activation.h"

namespace rknnc::runtime::kernels {
namespace {

std::vector<int64_t> attr_or(const KernelContext& ctx, const char* key, size_t n, int64_t fallback) {
  auto v = ctx.attrs().get_ints(key, std::vector<int64_t>(n, fallback));
  if (v.size() != n) ctx.fail("attribute {} has {} values, expected {}", key, v.size(), n);
  return v;
}

// The ConvTranspose geometry as the Window of the adjoint Conv: that conv
// reads the ConvTranspose output (w.in) and produces its input (w.out).
Window transpose_window(const KernelContext& ctx, const std::vector<int64_t>& in, const std::vector<int64_t>& kernel) {
  const size_t r = in.size();
  const auto strides = attr_or(ctx, "strides", r, 1), dil = attr_or(ctx, "dilations", r, 1);
  const auto out_pad = attr_or(ctx, "output_padding", r, 0);
  auto pads = attr_or(ctx, "pads", 2 * r, 0);
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

// ConvTranspose(X[N,C,spatial], W[C,M/group,k...], B[M]?) as gemm + col2im.
void conv_transpose_f32(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  const ir::Tensor& wt = ctx.in(1);
  const ir::Tensor* bias = ctx.opt(2);
  const auto spatial = spatial_dims(ctx, x.shape());
  if (wt.shape().size() != x.shape().size()) ctx.fail("weight shape {} does not match the input rank", ir::shape_str(wt.shape()));
  const int64_t group = ctx.attrs().get_int("group", 1);
  const int64_t n = x.shape()[0], c = x.shape()[1], mg = wt.shape()[1];
  if (group <= 0 || wt.shape()[0] != c || c % group != 0)
    ctx.fail("input channels {} and weight {} do not fit group {}", c, ir::shape_str(wt.shape()), group);
  const int64_t m = mg * group, cg = c / group;
  if (bias && bias->numel() != m) ctx.fail("bias has {} values for {} output channels", bias->numel(), m);
  const std::vector<int64_t> kernel(wt.shape().begin() + 2, wt.shape().end());
  const Window w = transpose_window(ctx, spatial, kernel);
  ir::Shape yshape{n, m};
  for (size_t d = 3 - w.rank; d < 3; ++d) yshape.push_back(w.in[d]);
  ir::Tensor& y = ctx.set_output(0, x.dtype(), yshape);
  const int64_t taps = w.kernel_size(), xin = w.out_size(), yout = w.in_size();
  std::vector<float> col(static_cast<size_t>(mg * taps * xin));
  const float* px = x.data<float>();
  const float* pw = wt.data<float>();
  float* py = y.data<float>();
  for (int64_t img = 0; img < n; ++img)
    for (int64_t g = 0; g < group; ++g) {
      GemmArgs a;  // col[mg*taps, xin] = W_g^T[mg*taps, cg] · X_g[cg, xin]
      a.m = mg * taps, a.n = xin, a.k = cg;
      a.a = pw + g * cg * mg * taps, a.lda = mg * taps, a.trans_a = true;
      a.b = px + (img * c + g * cg) * xin, a.ldb = xin;
      a.c = col.data(), a.ldc = xin;
      sgemm(a, &ctx.pool);
      float* yg = py + (img * m + g * mg) * yout;
      for (int64_t o = 0; o < mg; ++o) std::fill_n(yg + o * yout, yout, bias ? bias->data<float>()[g * mg + o] : 0.0f);
      col2im(col.data(), mg, w, yg, &ctx.pool);
    }
}

RKNNC_KERNEL("ConvTranspose", ir::DataType::Float32, with_fused_activation<conv_transpose_f32>);

}  // namespace
}  // namespace rknnc::runtime::kernels
