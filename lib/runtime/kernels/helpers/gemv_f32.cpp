#include "runtime/kernels/helpers/gemv_f32.h"

#include <immintrin.h>

#include <algorithm>

namespace rknnc::runtime::kernels {
namespace {

// The weights stream through once per run, from memory (a classifier's 4-8
// MB are evicted by the rest of the network). Stored K x N, each thread's
// blocks of columns had been read as 1 KB pieces a row apart, a new stream
// every row for the prefetcher (mobilenetv2's 5 MB classifier 0.37 ms, one
// thread); stored K x 256 per block with y[256] in L1, slower still (its
// loads and stores of y). As panels of 64 columns, each panel is one
// sequential run and its 64 outputs are 4 vectors of registers.
constexpr int64_t kP = kGemvPanel;

void gemv_generic(const float* x, const float* panel, int64_t k, float* y, int64_t cols) {
  float acc[kP];
  for (int64_t j = 0; j < cols; ++j) acc[j] = y[j];
  for (int64_t p = 0; p < k; ++p)
    for (int64_t j = 0; j < cols; ++j) acc[j] = __builtin_fmaf(x[p], panel[p * kP + j], acc[j]);
  for (int64_t j = 0; j < cols; ++j) y[j] = acc[j];
}

__attribute__((target("avx512f,fma"))) void gemv_avx512(const float* x, const float* panel, int64_t k, float* y,
                                                        int64_t cols) {
  constexpr int V = kP / 16;
  __mmask16 m[V];
  __m512 acc[V];
  for (int v = 0; v < V; ++v) {
    const int64_t left = std::clamp<int64_t>(cols - 16 * v, 0, 16);
    m[v] = static_cast<__mmask16>((uint32_t{1} << left) - 1);
    acc[v] = _mm512_maskz_loadu_ps(m[v], y + 16 * v);
  }
  for (int64_t p = 0; p < k; ++p) {
    const __m512 xv = _mm512_set1_ps(x[p]);
    for (int v = 0; v < V; ++v) acc[v] = _mm512_fmadd_ps(xv, _mm512_loadu_ps(panel + p * kP + 16 * v), acc[v]);
  }
  for (int v = 0; v < V; ++v) _mm512_mask_storeu_ps(y + 16 * v, m[v], acc[v]);
}

__attribute__((target("avx2,fma"))) void gemv_avx2(const float* x, const float* panel, int64_t k, float* y,
                                                   int64_t cols) {
  if (cols < kP) return gemv_generic(x, panel, k, y, cols);  // the last, partial panel
  constexpr int V = kP / 8;
  __m256 acc[V];
  for (int v = 0; v < V; ++v) acc[v] = _mm256_loadu_ps(y + 8 * v);
  for (int64_t p = 0; p < k; ++p) {
    const __m256 xv = _mm256_set1_ps(x[p]);
    for (int v = 0; v < V; ++v) acc[v] = _mm256_fmadd_ps(xv, _mm256_loadu_ps(panel + p * kP + 8 * v), acc[v]);
  }
  for (int v = 0; v < V; ++v) _mm256_storeu_ps(y + 8 * v, acc[v]);
}

}  // namespace

std::vector<float> pack_gemv_panels(const float* w, int64_t k, int64_t n, bool transposed) {
  const int64_t panels = (n + kP - 1) / kP;
  std::vector<float> out(static_cast<size_t>(panels * k * kP), 0.0f);
  for (int64_t p = 0; p < k; ++p)
    for (int64_t j = 0; j < n; ++j)
      out[static_cast<size_t>((j / kP * k + p) * kP + j % kP)] = transposed ? w[j * k + p] : w[p * n + j];
  return out;
}

void gemv_f32(const float* x, const float* panels, int64_t k, int64_t n, float* y, ThreadPool* pool, Isa isa) {
  auto* fn = isa == Isa::Avx512 ? gemv_avx512 : isa == Isa::Avx2 ? gemv_avx2 : gemv_generic;
  const int64_t count = (n + kP - 1) / kP;
  auto body = [&](int64_t b, int64_t e) {
    for (int64_t q = b; q < e; ++q) fn(x, panels + q * k * kP, k, y + q * kP, std::min(kP, n - q * kP));
  };
  if (pool) pool->parallel_for(count, k * kP, body);
  else body(0, count);
}

}  // namespace rknnc::runtime::kernels
