#include <immintrin.h>

#include "runtime/kernels/helpers/depthwise_f32.h"

namespace rknnc::runtime::kernels {

__attribute__((target("avx512f,fma"))) void row_fma_avx512(float* d, const float* s, int64_t stride, float wk,
                                                           int64_t n) {
  const __m512 w = _mm512_set1_ps(wk);
  int64_t i = 0;
  if (stride == 1) {
    for (; i + 16 <= n; i += 16)
      _mm512_storeu_ps(d + i, _mm512_fmadd_ps(w, _mm512_loadu_ps(s + i), _mm512_loadu_ps(d + i)));
    if (i < n) {
      const __mmask16 m = static_cast<__mmask16>((1u << (n - i)) - 1);
      const __m512 x = _mm512_maskz_loadu_ps(m, s + i);
      _mm512_mask_storeu_ps(d + i, m, _mm512_fmadd_ps(w, x, _mm512_maskz_loadu_ps(m, d + i)));
    }
    return;
  }
  if (stride == 2) {
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    for (; i + 16 < n; i += 16) {  // reads 32 inputs, the 32nd only when one more output follows
      const __m512 x = _mm512_permutex2var_ps(_mm512_loadu_ps(s + 2 * i), even, _mm512_loadu_ps(s + 2 * i + 16));
      _mm512_storeu_ps(d + i, _mm512_fmadd_ps(w, x, _mm512_loadu_ps(d + i)));
    }
  }
  for (; i < n; ++i) d[i] = __builtin_fmaf(wk, s[i * stride], d[i]);
}

__attribute__((target("avx512f,fma"))) void row_fma3_avx512(float* d, const float* s, int64_t stride, int64_t dil,
                                                            const float* w, int64_t n) {
  int64_t i = 0;
  if (stride == 1) {
    const __m512 w0 = _mm512_set1_ps(w[0]), w1 = _mm512_set1_ps(w[1]), w2 = _mm512_set1_ps(w[2]);
    for (; i < n; i += 16) {  // the last chunk masked
      const __mmask16 m = n - i >= 16 ? __mmask16(0xFFFF) : static_cast<__mmask16>((1u << (n - i)) - 1);
      __m512 acc = _mm512_fmadd_ps(w0, _mm512_maskz_loadu_ps(m, s + i), _mm512_maskz_loadu_ps(m, d + i));
      acc = _mm512_fmadd_ps(w1, _mm512_maskz_loadu_ps(m, s + i + dil), acc);
      _mm512_mask_storeu_ps(d + i, m, _mm512_fmadd_ps(w2, _mm512_maskz_loadu_ps(m, s + i + 2 * dil), acc));
    }
    return;
  }
  for (; i < n; ++i) {
    const float* x = s + i * stride;
    d[i] = __builtin_fmaf(w[2], x[2 * dil], __builtin_fmaf(w[1], x[dil], __builtin_fmaf(w[0], x[0], d[i])));
  }
}

}  // namespace rknnc::runtime::kernels
