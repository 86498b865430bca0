#include "runtime/kernels/helpers/broadcast.h"
#include "runtime/kernels/helpers/gemm.h"

namespace rknnc::runtime::kernels {
namespace {

// MatMul with numpy semantics: 1-D operands get a dim prepended/appended
// (and removed again), batch dims broadcast.
void matmul_f32(KernelContext& ctx) {
  const ir::Tensor& a = ctx.in(0);
  const ir::Tensor& b = ctx.in(1);
  if (a.shape().empty() || b.shape().empty()) ctx.fail("operands must have rank >= 1");
  ir::Shape sa = a.shape(), sb = b.shape();
  const bool a1 = sa.size() == 1, b1 = sb.size() == 1;
  if (a1) sa.insert(sa.begin(), 1);
  if (b1) sb.push_back(1);
  const int64_t m = sa[sa.size() - 2], k = sa.back(), n = sb.back();
  if (sb[sb.size() - 2] != k)
    ctx.fail("inner dims differ: {} and {}", ir::shape_str(a.shape()), ir::shape_str(b.shape()));
  const ir::Shape ba(sa.begin(), sa.end() - 2), bb(sb.begin(), sb.end() - 2);
  const ir::Shape batch = broadcast_shapes(ctx, {ba, bb});
  ir::Shape out = batch;
  if (!a1) out.push_back(m);
  if (!b1) out.push_back(n);
  ir::Tensor& y = ctx.set_output(0, a.dtype(), out);
  const auto astr = broadcast_strides(ba, batch), bstr = broadcast_strides(bb, batch);
  const int64_t batches = ir::shape_numel(batch);
  const float* pa = a.data<float>();
  const float* pb = b.data<float>();
  float* py = y.data<float>();
  auto one = [&](int64_t i, ThreadPool* pool) {
    int64_t r = i, oa = 0, ob = 0;
    for (size_t d = batch.size(); d-- > 0;) {
      const int64_t idx = r % batch[d];
      r /= batch[d];
      oa += idx * astr[d];
      ob += idx * bstr[d];
    }
    GemmArgs g;
    g.m = m, g.n = n, g.k = k;
    g.a = pa + oa * m * k, g.lda = k;
    g.b = pb + ob * k * n, g.ldb = n;
    g.c = py + i * m * n, g.ldc = n;
    sgemm(g, pool);
  };
  if (batches == 1 || m * n >= 4096) {
    for (int64_t i = 0; i < batches; ++i) one(i, &ctx.pool);
  } else {
    ctx.pool.parallel_for(batches, m * n * k, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) one(i, nullptr);
    });
  }
}

RKNNC_KERNEL("MatMul", ir::DataType::Float32, matmul_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
