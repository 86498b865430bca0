#include "runtime/kernels/helpers/gemv_f32.h"

#include <immintrin.h>

#include <algorithm>

namespace rknnc::runtime::kernels {
namespace {

// The weights stream through once per run, from memory (a classifier's 4-8 MB
// are evicted by the rest of the network), so the loops read them row after
// row: each thread takes blocks of 256 columns and walks the rows through
// them, 1 KB runs the prefetcher follows, y[j0, j1) staying in L1. Blocks of
// 64 columns down all rows (y in registers) read the rows in 256-byte
// pieces: mobilenetv2's classifier (5 MB) took 0.49 ms a run, now 0.37 ms,
// one thread; one block a thread (whole rows) measured no faster.
constexpr int64_t kColumns = 256;
constexpr int64_t kRows = 4;  // weight rows per pass over y[j0, j1)

void gemv_generic(const float* x, const float* wt, int64_t k, int64_t n, float* y, int64_t j0, int64_t j1) {
  for (int64_t p = 0; p < k; ++p) {
    const float* row = wt + p * n;
    for (int64_t j = j0; j < j1; ++j) y[j] = __builtin_fmaf(x[p], row[j], y[j]);
  }
}

__attribute__((target("avx512f,fma"))) void gemv_avx512(const float* x, const float* wt, int64_t k, int64_t n,
                                                        float* y, int64_t j0, int64_t j1) {
  for (int64_t p = 0; p < k; p += kRows) {
    const int64_t rows = std::min(kRows, k - p);
    __m512 xv[kRows];
    for (int64_t t = 0; t < rows; ++t) xv[t] = _mm512_set1_ps(x[p + t]);
    const float* w = wt + p * n;
    for (int64_t j = j0; j < j1; j += 16) {
      const __mmask16 m = j1 - j >= 16 ? __mmask16(0xFFFF) : static_cast<__mmask16>((1u << (j1 - j)) - 1);
      __m512 acc = _mm512_maskz_loadu_ps(m, y + j);
      for (int64_t t = 0; t < rows; ++t) acc = _mm512_fmadd_ps(xv[t], _mm512_maskz_loadu_ps(m, w + t * n + j), acc);
      _mm512_mask_storeu_ps(y + j, m, acc);
    }
  }
}

__attribute__((target("avx2,fma"))) void gemv_avx2(const float* x, const float* wt, int64_t k, int64_t n, float* y,
                                                   int64_t j0, int64_t j1) {
  for (int64_t p = 0; p < k; p += kRows) {
    const int64_t rows = std::min(kRows, k - p);
    __m256 xv[kRows];
    for (int64_t t = 0; t < rows; ++t) xv[t] = _mm256_set1_ps(x[p + t]);
    const float* w = wt + p * n;
    int64_t j = j0;
    for (; j + 8 <= j1; j += 8) {
      __m256 acc = _mm256_loadu_ps(y + j);
      for (int64_t t = 0; t < rows; ++t) acc = _mm256_fmadd_ps(xv[t], _mm256_loadu_ps(w + t * n + j), acc);
      _mm256_storeu_ps(y + j, acc);
    }
    for (; j < j1; ++j)
      for (int64_t t = 0; t < rows; ++t) y[j] = __builtin_fmaf(x[p + t], w[t * n + j], y[j]);
  }
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
