#include <vector>

#include "runtime/kernels/helpers/broadcast.h"
#include "runtime/kernels/helpers/fused_activation.h"
#include "runtime/kernels/helpers/gemv_f32.h"
#include "runtime/kernels/helpers/packed_gemm.h"

namespace rknnc::runtime::kernels {
namespace {

// B'^T [N, K] as the gemm's A operand (B' = transB ? B^T : B), set up once
// when B is a constant: the weights are the A side and Y^T = B'^T · A'^T is
// computed. `b` keeps the bytes bt reads alive. At batch 1 the weights are
// also kept in the matrix-vector product's panels (`bk`).
struct GemmWeights final : PreparedState {
  ir::Tensor b;
  AMatrix bt;
  std::vector<float> bk;
};

std::unique_ptr<PreparedState> gemm_weight_panels(const KernelContext& ctx) {
  auto state = std::make_unique<GemmWeights>();
  const ir::Tensor& b = ctx.in(1);
  if (b.dtype() != ir::DataType::Float32 || b.shape().size() != 2) return state;  // gemm_f32 names what is wrong
  const bool tb = ctx.attrs().get_int("transB", 0) != 0;
  const int64_t n = tb ? b.shape()[0] : b.shape()[1], k = tb ? b.shape()[1] : b.shape()[0];
  state->b = b;
  state->bt = a_matrix(b.data<float>(), n, k, b.shape()[1], !tb, gemm_isa());
  const ir::Tensor& a = ctx.in(0);
  const bool ta = ctx.attrs().get_int("transA", 0) != 0;
  if (a.shape().size() == 2 && a.shape()[ta ? 1 : 0] == 1) state->bk = pack_gemv_panels(b.data<float>(), k, n, tb);
  return state;
}

// Gemm: Y = alpha * A' · B' + beta * C, A' = transA ? A^T : A, C broadcasts to [M,N].
void gemm_f32(KernelContext& ctx) {
  const ir::Tensor& a = ctx.in(0);
  const ir::Tensor& b = ctx.in(1);
  const ir::Tensor* c = ctx.opt(2);
  const bool ta = ctx.attrs().get_int("transA", 0) != 0, tb = ctx.attrs().get_int("transB", 0) != 0;
  const float alpha = ctx.attrs().get_float("alpha", 1.0f), beta = ctx.attrs().get_float("beta", 1.0f);
  if (a.shape().size() != 2 || b.shape().size() != 2)
    ctx.fail("A {} and B {} must be 2-D", ir::shape_str(a.shape()), ir::shape_str(b.shape()));
  const int64_t m = ta ? a.shape()[1] : a.shape()[0], k = ta ? a.shape()[0] : a.shape()[1];
  const int64_t kb = tb ? b.shape()[1] : b.shape()[0], n = tb ? b.shape()[0] : b.shape()[1];
  if (k != kb) ctx.fail("inner dims differ: A {} and B {}", ir::shape_str(a.shape()), ir::shape_str(b.shape()));
  ir::Tensor& y = ctx.set_output(0, a.dtype(), {m, n});
  float* py = y.data<float>();
  std::unique_ptr<PreparedState> local;
  const auto& weights = ctx.prepared<GemmWeights>(gemm_weight_panels, local);
  const BMatrix at(a.data<float>(), a.shape()[1], !ta);  // A'^T [K, M]
  if (m == 1 && !weights.bk.empty()) {
    gemv_f32(a.data<float>(), weights.bk.data(), k, n, py, &ctx.pool, gemm_isa());
  } else if (m == 1) {
    gemm_packed(weights.bt, at, m, py, m, &ctx.pool);  // Y^T [N, 1] is Y
  } else {
    std::vector<float> yt(static_cast<size_t>(n * m), 0.0f);
    gemm_packed(weights.bt, at, m, yt.data(), m, &ctx.pool);
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) py[i * n + j] = yt[static_cast<size_t>(j * m + i)];
  }
  if (alpha != 1.0f)
    for (int64_t i = 0; i < m * n; ++i) py[i] *= alpha;
  if (c && beta != 0.0f) {
    if (broadcast_shapes(ctx, {c->shape(), {m, n}}) != ir::Shape{m, n})
      ctx.fail("C {} does not broadcast to [{},{}]", ir::shape_str(c->shape()), m, n);
    const RowPlan plan = RowPlan::broadcast({m, n}, {c->shape()});
    const float* pc = c->data<float>();
    plan.for_rows(0, plan.rows(), [&](const int64_t* off, const int64_t* st, int64_t len) {
      for (int64_t i = 0; i < len; ++i) py[off[0] + i] += beta * pc[off[1] + i * st[1]];
    });
  }
}

RKNNC_PREPARED_KERNEL("Gemm", ir::DataType::Float32, with_fused_activation<gemm_f32>, gemm_weight_panels, 0b10);

}  // namespace
}  // namespace rknnc::runtime::kernels
