#include <immintrin.h>

#include "runtime/kernels/helpers/depthwise_f32.h"

namespace rknnc::runtime::kernels {

__attribute__((target("avx2,fma"))) void row_fma_avx2(float* d, const float* s, int64_t stride, float wk, int64_t n) {
  const __m256 w = _mm256_set1_ps(wk);
  int64_t i = 0;
  if (stride == 1) {
    for (; i + 8 <= n; i += 8)
      _mm256_storeu_ps(d + i, _mm256_fmadd_ps(w, _mm256_loadu_ps(s + i), _mm256_loadu_ps(d + i)));
  } else if (stride == 2) {
    for (; i + 8 < n; i += 8) {  // even lanes of 16 inputs (the 16th is read, so one more output must follow)
      const __m256 even = _mm256_shuffle_ps(_mm256_loadu_ps(s + 2 * i), _mm256_loadu_ps(s + 2 * i + 8), 0x88);
      const __m256 x = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(even), 0xD8));
      _mm256_storeu_ps(d + i, _mm256_fmadd_ps(w, x, _mm256_loadu_ps(d + i)));
    }
  }
  for (; i < n; ++i) d[i] = __builtin_fmaf(wk, s[i * stride], d[i]);
}

__attribute__((target("avx2,fma"))) void row_fma3_avx2(float* d, const float* s, int64_t stride, int64_t dil,
                                                       const float* w, int64_t n) {
  int64_t i = 0;
  if (stride == 1) {
    const __m256 w0 = _mm256_set1_ps(w[0]), w1 = _mm256_set1_ps(w[1]), w2 = _mm256_set1_ps(w[2]);
    for (; i + 8 <= n; i += 8) {
      __m256 acc = _mm256_fmadd_ps(w0, _mm256_loadu_ps(s + i), _mm256_loadu_ps(d + i));
      acc = _mm256_fmadd_ps(w1, _mm256_loadu_ps(s + i + dil), acc);
      _mm256_storeu_ps(d + i, _mm256_fmadd_ps(w2, _mm256_loadu_ps(s + i + 2 * dil), acc));
    }
  }
  for (; i < n; ++i) {
    const float* x = s + i * stride;
    d[i] = __builtin_fmaf(w[2], x[2 * dil], __builtin_fmaf(w[1], x[dil], __builtin_fmaf(w[0], x[0], d[i])));
  }
}

}  // namespace rknnc::runtime::kernels
