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

}  // namespace rknnc::runtime::kernels
