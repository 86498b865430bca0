#include "runtime/kernels/helpers/gemm.h"

#include <algorithm>

namespace rknnc::runtime::kernels {

void sgemm(const GemmArgs& g, ThreadPool* pool, Isa isa) {
  if (g.m <= 0 || g.n <= 0) return;
  if (!g.accumulate)
    for (int64_t i = 0; i < g.m; ++i) std::fill_n(g.c + i * g.ldc, g.n, 0.0f);
  if (g.k <= 0) return;
  const AMatrix a = a_matrix(g.a, g.m, g.k, g.lda, g.trans_a, isa);
  gemm_packed(a, BMatrix(g.b, g.ldb, g.trans_b), g.n, g.c, g.ldc, pool);
}

void sgemm_reference(const GemmArgs& g) {
  auto a_at = [&](int64_t i, int64_t p) { return g.trans_a ? g.a[p * g.lda + i] : g.a[i * g.lda + p]; };
  auto b_at = [&](int64_t p, int64_t j) { return g.trans_b ? g.b[j * g.ldb + p] : g.b[p * g.ldb + j]; };
  for (int64_t i = 0; i < g.m; ++i)
    for (int64_t j = 0; j < g.n; ++j) {
      double s = 0;
      for (int64_t p = 0; p < g.k; ++p) s += static_cast<double>(a_at(i, p)) * b_at(p, j);
      float& c = g.c[i * g.ldc + j];
      c = static_cast<float>(g.accumulate ? c + s : s);
    }
}

}  // namespace rknnc::runtime::kernels
