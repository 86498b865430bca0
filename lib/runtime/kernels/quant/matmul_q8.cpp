// Quantised MatMul of two per-tensor int8 operands (activations or a
// constant): Y = zy + requant(Σ (a - za)(b - zb), sa·sb/sy), numpy-style
// batch broadcasting of the leading dims.
#include "runtime/kernels/helpers/broadcast.h"
#include "runtime/kernels/helpers/qgemm.h"
#include "runtime/kernels/helpers/quant_tensor.h"
#include "runtime/kernels/helpers/requant.h"

namespace rknnc::runtime::kernels {
namespace {

void matmul_q8(KernelContext& ctx) {
  const ir::Tensor& a = ctx.in(0);
  const ir::Tensor& b = ctx.in(1);
  if (a.shape().size() < 2 || b.shape().size() < 2)
    ctx.fail("int8 MatMul needs operands of rank >= 2, got {} and {}", ir::shape_str(a.shape()), ir::shape_str(b.shape()));
  const int64_t m = a.shape().end()[-2], k = a.shape().back(), n = b.shape().back();
  if (b.shape().end()[-2] != k) ctx.fail("shapes {} and {} do not multiply", ir::shape_str(a.shape()), ir::shape_str(b.shape()));
  const ir::Shape batch_a(a.shape().begin(), a.shape().end() - 2), batch_b(b.shape().begin(), b.shape().end() - 2);
  ir::Shape out = broadcast_shapes(ctx, {batch_a, batch_b});
  const ir::Shape batch = out;
  out.push_back(m);
  out.push_back(n);
  const std::vector<int16_t> pa = centered(a, tensor_zero_point(ctx, 0));
  const std::vector<int16_t> pb = centered(b, tensor_zero_point(ctx, 1));
  const FixedMultiplier mult = FixedMultiplier::from_real(static_cast<double>(ctx.qin(0).scale_at(0)) *
                                                          ctx.qin(1).scale_at(0) / ctx.qout(0).scale_at(0));
  const int32_t zy = ctx.qout(0).zero_point_at(0);
  int8_t* y = ctx.set_output(0, ir::DataType::Int8, out).data<int8_t>();
  const RowPlan plan = RowPlan::broadcast(batch, {batch_a, batch_b});
  std::vector<int16_t> bt(static_cast<size_t>(n * k));
  std::vector<int32_t> acc(static_cast<size_t>(m * n));
  int64_t index = 0;
  plan.for_rows(0, plan.rows(), [&](const int64_t* off, const int64_t* st, int64_t len) {
    for (int64_t r = 0; r < len; ++r, ++index) {
      const int16_t* ab = pa.data() + (off[1] + r * st[1]) * m * k;
      const int16_t* bb = pb.data() + (off[2] + r * st[2]) * k * n;
      for (int64_t i = 0; i < k; ++i)
        for (int64_t j = 0; j < n; ++j) bt[j * k + i] = bb[i * n + j];
      qgemm_nt(ab, m, bt.data(), n, k, acc.data(), &ctx.pool);
      for (int64_t i = 0; i < m * n; ++i) y[index * m * n + i] = saturate_int8(zy + mult.apply(acc[i]));
    }
  });
}

RKNNC_QUANT_KERNEL("MatMul", matmul_q8);

}  // namespace
}  // namespace rknnc::runtime::kernels
