#include "runtime/kernels/helpers/broadcast.h"
#include "runtime/kernels/helpers/gemm.h"
#include "runtime/kernels/helpers/fused_activation.h"

namespace rknnc::runtime::kernels {
namespace {

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
  GemmArgs g;
  g.m = m, g.n = n, g.k = k;
  g.a = a.data<float>(), g.lda = a.shape()[1], g.trans_a = ta;
  g.b = b.data<float>(), g.ldb = b.shape()[1], g.trans_b = tb;
  g.c = y.data<float>(), g.ldc = n;
  sgemm(g, &ctx.pool);
  float* py = y.data<float>();
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

RKNNC_KERNEL("Gemm", ir::DataType::Float32, with_fused_activation<gemm_f32>);

}  // namespace
}  // namespace rknnc::runtime::kernels
