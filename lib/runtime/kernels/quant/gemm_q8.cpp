// Quantised Gemm (arithmetic in gemm_q8_reference.cpp) as the quad product:
// the rows of A are the pixels, B's rows the channels. Prepared once per
// node: B packed in quads with its zero-point correction, and the
// requantisation plan (the Conv's, whose rows give the same bytes as the
// reference's per-element formula).
#include <vector>

#include "runtime/kernels/helpers/qquad_gemm.h"
#include "runtime/kernels/helpers/qrequant_avx512.h"
#include "runtime/kernels/helpers/scratch.h"
#include "runtime/kernels/quant/q8_kernels.h"

namespace rknnc::runtime::kernels {
namespace {

struct GemmQ8State : PreparedState {
  bool valid = false;  // B and C fit each other; otherwise gemm_q8_dims fails first
  RequantPlan plan;
  QuadWeights b;
};

std::unique_ptr<PreparedState> prepare_gemm_q8(const KernelContext& ctx) {
  auto st = std::make_unique<GemmQ8State>();
  const ir::Tensor* b = ctx.opt(1);
  const ir::Tensor* c = ctx.opt(2);
  if (!b || b->dtype() != ir::DataType::Int8 || b->shape().size() != 2 || (c && c->numel() != b->shape()[0]))
    return st;
  const int64_t n = b->shape()[0], k = b->shape()[1];
  st->plan = requant_plan(ctx, b->data<int8_t>(), n, k);
  st->b = pack_quad_weights(b->data<int8_t>(), n, k, tensor_zero_point(ctx, 0));
  st->valid = true;
  return st;
}

}  // namespace

void gemm_q8_quad(KernelContext& ctx, QuadIsa isa) {
  const auto [m, k, n] = gemm_q8_dims(ctx);
  std::unique_ptr<PreparedState> local;
  const GemmQ8State& st = ctx.prepared<GemmQ8State>(prepare_gemm_q8, local);
  const int32_t za = tensor_zero_point(ctx, 0);
  if (!st.valid || za < -128 || za > 127) return gemm_q8_reference(ctx);
  QuadPixels xq;
  pack_quad_rows(ctx.in(0).data<int8_t>(), m, k, xq, &ctx.pool);
  int8_t* y = ctx.set_output(0, ir::DataType::Int8, {m, n}).data<int8_t>();
  qquad_gemm(st.b, xq, isa,
             [&](int64_t c, const int32_t* acc, int64_t p0, int64_t len) {
               thread_local std::vector<int8_t> row;  // written before it is read
               grow_to(row, static_cast<size_t>(len));
               requant_row_on(isa, st.plan, c, acc, len, row.data());
               for (int64_t i = 0; i < len; ++i) y[(p0 + i) * n + c] = row[i];
             },
             &ctx.pool);
}

RKNNC_PREPARED_QUANT_KERNEL("Gemm", (by_quad_isa<gemm_q8_reference, gemm_q8_quad>), prepare_gemm_q8,
                            0b110);

}  // namespace rknnc::runtime::kernels
