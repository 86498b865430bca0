#include "runtime/kernels/helpers/gemv_f32.h"

#include <algorithm>

namespace rknnc::runtime::kernels {
namespace {

constexpr int64_t kColumns = 64;  // outputs per block: four AVX-512 / eight AVX2 accumulators

// Columns [j0, j1) of y; whole blocks as fixed-size loops the compiler keeps
// in vector registers (vectorised over j only, so each chain keeps its order).
[[gnu::always_inline]] inline void gemv_columns(const float* x, const float* wt, int64_t k, int64_t n, float* y,
                                                int64_t j0, int64_t j1) {
  int64_t j = j0;
  for (; j + kColumns <= j1; j += kColumns) {
    float acc[kColumns];
    for (int64_t q = 0; q < kColumns; ++q) acc[q] = y[j + q];
    for (int64_t p = 0; p < k; ++p) {
      const float xp = x[p];
      const float* row = wt + p * n + j;
      for (int64_t q = 0; q < kColumns; ++q) acc[q] = __builtin_fmaf(xp, row[q], acc[q]);
    }
    for (int64_t q = 0; q < kColumns; ++q) y[j + q] = acc[q];
  }
  for (; j < j1; ++j) {
    float acc = y[j];
    for (int64_t p = 0; p < k; ++p) acc = __builtin_fmaf(x[p], wt[p * n + j], acc);
    y[j] = acc;
  }
}

__attribute__((target("avx512f,fma"))) void gemv_avx512(const float* x, const float* wt, int64_t k, int64_t n,
                                                        float* y, int64_t j0, int64_t j1) {
  gemv_columns(x, wt, k, n, y, j0, j1);
}
__attribute__((target("avx2,fma"))) void gemv_avx2(const float* x, const float* wt, int64_t k, int64_t n, float* y,
                                                   int64_t j0, int64_t j1) {
  gemv_columns(x, wt, k, n, y, j0, j1);
}
void gemv_generic(const float* x, const float* wt, int64_t k, int64_t n, float* y, int64_t j0, int64_t j1) {
  gemv_columns(x, wt, k, n, y, j0, j1);
}

}  // namespace

void gemv_f32(const float* x, const float* wt, int64_t k, int64_t n, float* y, ThreadPool* pool, Isa isa) {
  auto* fn = isa == Isa::Avx512 ? gemv_avx512 : isa == Isa::Avx2 ? gemv_avx2 : gemv_generic;
  const int64_t blocks = (n + kColumns - 1) / kColumns;
  auto body = [&](int64_t b, int64_t e) { fn(x, wt, k, n, y, b * kColumns, std::min(n, e * kColumns)); };
  if (pool) pool->parallel_for(blocks, k * kColumns, body);
  else body(0, blocks);
}

}  // namespace rknnc::runtime::kernels
