#include <vector>

#include "runtime/kernels/helpers/conv_loops.h"
#include "runtime/kernels/helpers/gemm.h"
#include "runtime/kernels/helpers/fused_activation.h"

namespace rknnc::runtime::kernels {
namespace {

// Conv(X[N,C,spatial], W[M,C/group,k...], B[M]?): depthwise runs a direct
// loop, everything else im2col + sgemm per image and group.
void conv_f32(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  const ir::Tensor& wt = ctx.in(1);
  const ir::Tensor* bias = ctx.opt(2);
  const auto spatial = spatial_dims(ctx, x.shape());
  if (wt.shape().size() != x.shape().size())
    ctx.fail("weight shape {} does not match input rank {}", ir::shape_str(wt.shape()), x.shape().size());
  const int64_t n = x.shape()[0], c = x.shape()[1], m = wt.shape()[0], cg = wt.shape()[1];
  const int64_t group = ctx.attrs().get_int("group", 1);
  if (group <= 0 || c != cg * group || m % group != 0)
    ctx.fail("input channels {} and weight {} do not fit group {}", c, ir::shape_str(wt.shape()), group);
  if (bias && bias->numel() != m) ctx.fail("bias has {} values for {} output channels", bias->numel(), m);
  std::vector<int64_t> kernel(wt.shape().begin() + 2, wt.shape().end());
  const auto given = ctx.attrs().get_ints("kernel_shape");
  if (!given.empty() && given != kernel) ctx.fail("kernel_shape does not match the weight shape");
  const Window w = sliding_window(ctx, spatial, kernel, false);
  ir::Tensor& y = ctx.set_output(0, x.dtype(), window_output_shape(n, m, w));
  const int64_t mg = m / group, taps = w.kernel_size(), in = w.in_size(), out = w.out_size();
  const float* px = x.data<float>();
  const float* pw = wt.data<float>();
  const float* pb = bias ? bias->data<float>() : nullptr;
  float* py = y.data<float>();
  if (cg == 1 && mg == 1) {  // depthwise
    ctx.pool.parallel_for(n * m, out * taps, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) {
        const int64_t img = i / m, ch = i % m;
        depthwise_conv(px + img * c * in, pw, pb, w, py + img * m * out, ch, ch + 1);
      }
    });
    return;
  }
  bool pointwise = taps == 1;
  for (int d = 0; d < 3; ++d)
    pointwise = pointwise && w.stride[d] == 1 && w.pad_begin[d] == 0 && w.pad_end[d] == 0;
  std::vector<float> col(pointwise ? 0 : static_cast<size_t>(cg * taps * out));
  for (int64_t img = 0; img < n; ++img)
    for (int64_t g = 0; g < group; ++g) {
      const float* xg = px + (img * c + g * cg) * in;
      if (!pointwise) im2col(xg, cg, w, col.data(), &ctx.pool);
      float* yg = py + (img * m + g * mg) * out;
      GemmArgs a;
      a.m = mg, a.n = out, a.k = cg * taps;
      a.a = pw + g * mg * cg * taps, a.lda = cg * taps;
      a.b = pointwise ? xg : col.data(), a.ldb = out;
      a.c = yg, a.ldc = out;
      if (pb) {
        for (int64_t o = 0; o < mg; ++o) std::fill_n(yg + o * out, out, pb[g * mg + o]);
        a.accumulate = true;
      }
      sgemm(a, &ctx.pool);
    }
}

RKNNC_KERNEL("Conv", ir::DataType::Float32, with_fused_activation<conv_f32>);

}  // namespace
}  // namespace rknnc::runtime::kernels
