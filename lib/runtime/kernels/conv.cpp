#include <vector>

#include "runtime/kernels/helpers/conv_loops.h"
#include "runtime/kernels/helpers/conv_shape.h"
#include "runtime/kernels/helpers/gemm.h"
#include "runtime/kernels/helpers/fused_activation.h"

namespace rknnc::runtime::kernels {
namespace {

// Conv(X[N,C,spatial], W[M,C/group,k...], B[M]?): depthwise runs a direct
// loop, everything else im2col + sgemm per image and group.
void conv_f32(KernelContext& ctx) {
  const ConvShape s = conv_shape(ctx, ir::DataType::Float32);
  const ir::Tensor* bias = ctx.opt(2);
  const Window& w = s.w;
  const int64_t taps = w.kernel_size(), in = w.in_size(), out = w.out_size();
  const float* px = ctx.in(0).data<float>();
  const float* pw = ctx.in(1).data<float>();
  const float* pb = bias ? bias->data<float>() : nullptr;
  float* py = ctx.outputs[0].data<float>();
  if (s.depthwise()) {
    ctx.pool.parallel_for(s.n * s.m, out * taps, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) {
        const int64_t img = i / s.m, ch = i % s.m;
        depthwise_conv(px + img * s.c * in, pw, pb, w, py + img * s.m * out, ch, ch + 1);
      }
    });
    return;
  }
  const bool pointwise = s.pointwise();
  std::vector<float> col(pointwise ? 0 : static_cast<size_t>(s.cg * taps * out));
  for (int64_t img = 0; img < s.n; ++img)
    for (int64_t g = 0; g < s.group; ++g) {
      const float* xg = px + (img * s.c + g * s.cg) * in;
      if (!pointwise) im2col(xg, s.cg, w, col.data(), &ctx.pool);
      float* yg = py + (img * s.m + g * s.mg) * out;
      GemmArgs a;
      a.m = s.mg, a.n = out, a.k = s.cg * taps;
      a.a = pw + g * s.mg * s.cg * taps, a.lda = s.cg * taps;
      a.b = pointwise ? xg : col.data(), a.ldb = out;
      a.c = yg, a.ldc = out;
      if (pb) {
        for (int64_t o = 0; o < s.mg; ++o) std::fill_n(yg + o * out, out, pb[g * s.mg + o]);
        a.accumulate = true;
      }
      sgemm(a, &ctx.pool);
    }
}

RKNNC_KERNEL("Conv", ir::DataType::Float32, with_fused_activation<conv_f32>);

}  // namespace
}  // namespace rknnc::runtime::kernels
