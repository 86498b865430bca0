// The reference int8 Gemm (the oracle of the fast paths, and the path on CPUs
// without AVX2). Quantised Gemm Y = A·Bᵀ + C: A int8 [M, K] (zero point za), B
// symmetric int8 weights [N, K] (the quantiser stores them transposed, transB
// = 1; per output channel or per tensor), C int32 [N] on scale sa·sb. Same
// arithmetic as the int8 Conv: exact int32 sums, one requantisation per output.
#include "runtime/kernels/helpers/qgemm.h"
#include "runtime/kernels/helpers/quant_tensor.h"
#include "runtime/kernels/helpers/requant.h"
#include "runtime/kernels/quant/q8_kernels.h"

namespace rknnc::runtime::kernels {

GemmDims gemm_q8_dims(const KernelContext& ctx) {
  const ir::Tensor& a = ctx.in(0);
  const ir::Tensor& b = ctx.in(1);
  const auto& attrs = ctx.attrs();
  if (attrs.get_int("transA", 0) != 0 || attrs.get_int("transB", 0) != 1 || attrs.get_float("alpha", 1.f) != 1.f ||
      attrs.get_float("beta", 1.f) != 1.f)
    ctx.fail("int8 Gemm needs transA 0, transB 1, alpha 1 and beta 1 (the quantiser normalises them)");
  if (a.shape().size() != 2 || b.shape().size() != 2 || a.shape()[1] != b.shape()[1])
    ctx.fail("shapes {} and {} do not fit A·Bᵀ", ir::shape_str(a.shape()), ir::shape_str(b.shape()));
  const GemmDims d{a.shape()[0], a.shape()[1], b.shape()[0]};
  if (const ir::Tensor* c = ctx.opt(2); c && c->numel() != d.n)
    ctx.fail("bias has {} values for {} outputs", c->numel(), d.n);
  return d;
}

void gemm_q8_reference(KernelContext& ctx) {
  const auto [m, k, n] = gemm_q8_dims(ctx);
  const std::vector<int16_t> pa = centered(ctx.in(0), tensor_zero_point(ctx, 0));
  const std::vector<int16_t> pb = centered(ctx.in(1), 0);
  const std::vector<int32_t> bias = int32_values(ctx.opt(2), n);
  const auto mult = channel_multipliers(ctx, 0, 1, n);
  const OutputClamp clamp = output_clamp(ctx);
  const int32_t zy = ctx.qout(0).zero_point_at(0);
  std::vector<int32_t> acc(static_cast<size_t>(m * n));
  qgemm_nt(pb.data(), n, pa.data(), m, k, acc.data(), &ctx.pool);  // acc[j·m + i] = row i of A · row j of B
  int8_t* y = ctx.set_output(0, ir::DataType::Int8, {m, n}).data<int8_t>();
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) y[i * n + j] = clamp(zy + mult[j].apply(int64_t{acc[j * m + i]} + bias[j]));
}

}  // namespace rknnc::runtime::kernels
