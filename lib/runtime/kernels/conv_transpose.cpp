#include <vector>

#include "runtime/kernels/helpers/conv_loops.h"
#include "runtime/kernels/helpers/conv_transpose_shape.h"
#include "runtime/kernels/helpers/fused_activation.h"
#include "runtime/kernels/helpers/packed_gemm.h"

namespace rknnc::runtime::kernels {
namespace {

// W_g^T [mg*taps, cg] of each group as the gemm's A operand, set up once per
// node; `w` keeps the bytes they read alive.
struct TransposedWeights final : PreparedState {
  ir::Tensor w;
  std::vector<AMatrix> groups;
};

std::unique_ptr<PreparedState> transposed_weight_panels(const KernelContext& ctx) {
  auto state = std::make_unique<TransposedWeights>();
  const ir::Tensor& w = ctx.in(1);
  const int64_t group = ctx.attrs().get_int("group", 1);
  if (w.dtype() != ir::DataType::Float32 || w.shape().size() < 2 || group <= 0 || w.shape()[0] % group != 0 ||
      w.shape()[0] == 0)
    return state;  // conv_transpose_shape names what is wrong
  const int64_t cg = w.shape()[0] / group, rows = ir::shape_numel(w.shape()) / w.shape()[0];  // mg * taps
  state->w = w;
  for (int64_t g = 0; g < group; ++g)
    state->groups.push_back(a_matrix(w.data<float>() + g * cg * rows, rows, cg, rows, true, gemm_isa()));
  return state;
}

// ConvTranspose(X[N,C,spatial], W[C,M/group,k...], B[M]?) as gemm + col2im.
void conv_transpose_f32(KernelContext& ctx) {
  const ConvTransposeShape s = conv_transpose_shape(ctx, ctx.in(0).dtype());
  const ir::Tensor* bias = ctx.opt(2);
  const Window& w = s.w;
  const int64_t taps = w.kernel_size(), xin = w.out_size(), yout = w.in_size();
  if (s.cg == 0 || s.mg == 0) return;
  std::unique_ptr<PreparedState> local;
  const auto& weights = ctx.prepared<TransposedWeights>(transposed_weight_panels, local);
  std::vector<float> col(static_cast<size_t>(s.mg * taps * xin));
  const float* px = ctx.in(0).data<float>();
  float* py = ctx.outputs[0].data<float>();
  for (int64_t img = 0; img < s.n; ++img)
    for (int64_t g = 0; g < s.group; ++g) {
      // col[mg*taps, xin] = W_g^T[mg*taps, cg] · X_g[cg, xin]
      std::fill(col.begin(), col.end(), 0.0f);
      gemm_packed(weights.groups[static_cast<size_t>(g)], BMatrix(px + (img * s.c + g * s.cg) * xin, xin, false), xin,
                  col.data(), xin, &ctx.pool);
      float* yg = py + (img * s.m + g * s.mg) * yout;
      for (int64_t o = 0; o < s.mg; ++o) std::fill_n(yg + o * yout, yout, bias ? bias->data<float>()[g * s.mg + o] : 0.0f);
      col2im(col.data(), s.mg, w, yg, &ctx.pool);
    }
}

RKNNC_PREPARED_KERNEL("ConvTranspose", ir::DataType::Float32, with_fused_activation<conv_transpose_f32>,
                      transposed_weight_panels, 0b10);

}  // namespace
}  // namespace rknnc::runtime::kernels
