#include <vector>

#include "runtime/kernels/helpers/conv_loops.h"
#include "runtime/kernels/helpers/conv_transpose_shape.h"
#include "runtime/kernels/helpers/fused_activation.h"
#include "runtime/kernels/helpers/gemm.h"

namespace rknnc::runtime::kernels {
namespace {

// ConvTranspose(X[N,C,spatial], W[C,M/group,k...], B[M]?) as gemm + col2im.
void conv_transpose_f32(KernelContext& ctx) {
  const ConvTransposeShape s = conv_transpose_shape(ctx, ctx.in(0).dtype());
  const ir::Tensor* bias = ctx.opt(2);
  const Window& w = s.w;
  const int64_t taps = w.kernel_size(), xin = w.out_size(), yout = w.in_size();
  std::vector<float> col(static_cast<size_t>(s.mg * taps * xin));
  const float* px = ctx.in(0).data<float>();
  const float* pw = ctx.in(1).data<float>();
  float* py = ctx.outputs[0].data<float>();
  for (int64_t img = 0; img < s.n; ++img)
    for (int64_t g = 0; g < s.group; ++g) {
      GemmArgs a;  // col[mg*taps, xin] = W_g^T[mg*taps, cg] · X_g[cg, xin]
      a.m = s.mg * taps, a.n = xin, a.k = s.cg;
      a.a = pw + g * s.cg * s.mg * taps, a.lda = s.mg * taps, a.trans_a = true;
      a.b = px + (img * s.c + g * s.cg) * xin, a.ldb = xin;
      a.c = col.data(), a.ldc = xin;
      sgemm(a, &ctx.pool);
      float* yg = py + (img * s.m + g * s.mg) * yout;
      for (int64_t o = 0; o < s.mg; ++o) std::fill_n(yg + o * yout, yout, bias ? bias->data<float>()[g * s.mg + o] : 0.0f);
      col2im(col.data(), s.mg, w, yg, &ctx.pool);
    }
}

RKNNC_KERNEL("ConvTranspose", ir::DataType::Float32, with_fused_activation<conv_transpose_f32>);

}  // namespace
}  // namespace rknnc::runtime::kernels
