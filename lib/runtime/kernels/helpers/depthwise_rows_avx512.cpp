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

namespace rknnc::runtime::kernels {

// Eight pixels at a time: eight independent fma chains hide the fma latency,
// and each tap's weight vector is loaded once for all eight.
__attribute__((target("avx512f,fma"))) void dw_pixels_avx512(float* y, const float* x, const DwTap* taps,
                                                             int64_t ntaps, const float* w, const float* bias,
                                                             int64_t stride, int64_t n) {
  constexpr int64_t L = 16, P = 8;
  const __m512 b = _mm512_loadu_ps(bias);
  const int64_t step = stride * L;
  int64_t i = 0;
  for (; i + P <= n; i += P) {
    __m512 acc[P];
    for (int64_t p = 0; p < P; ++p) acc[p] = b;
    const float* xi = x + i * step;
    for (int64_t t = 0; t < ntaps; ++t) {
      const __m512 wt = _mm512_loadu_ps(w + taps[t].k * L);
      const float* xt = xi + taps[t].off * L;
      for (int64_t p = 0; p < P; ++p) acc[p] = _mm512_fmadd_ps(wt, _mm512_loadu_ps(xt + p * step), acc[p]);
    }
    for (int64_t p = 0; p < P; ++p) _mm512_storeu_ps(y + (i + p) * L, acc[p]);
  }
  for (; i < n; ++i) {
    __m512 acc = b;
    const float* xi = x + i * step;
    for (int64_t t = 0; t < ntaps; ++t)
      acc = _mm512_fmadd_ps(_mm512_loadu_ps(w + taps[t].k * L), _mm512_loadu_ps(xi + taps[t].off * L), acc);
    _mm512_storeu_ps(y + i * L, acc);
  }
}

}  // namespace rknnc::runtime::kernels

namespace rknnc::runtime::kernels {

__attribute__((target("avx512f"))) void to_pixel_major_avx512(const float* src, int64_t ch, int64_t size,
                                                               float* dst) {
  const __m512i rows = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                          _mm512_set1_epi32(static_cast<int>(size)));
  const __mmask16 live = ch >= 16 ? __mmask16(0xFFFF) : static_cast<__mmask16>((1u << ch) - 1);
  for (int64_t p = 0; p < size; ++p)
    _mm512_storeu_ps(dst + p * 16, _mm512_mask_i32gather_ps(_mm512_setzero_ps(), live, rows, src + p, 4));
}

__attribute__((target("avx512f"))) void from_pixel_major_avx512(const float* src, int64_t ch, int64_t size,
                                                                 float* dst) {
  const __m512i pixels = _mm512_setr_epi32(0, 16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240);
  for (int64_t l = 0; l < ch; ++l) {
    float* d = dst + l * size;
    int64_t p = 0;
    for (; p + 16 <= size; p += 16)  // the masked form: GCC 12's unmasked one reads an unset register
      _mm512_storeu_ps(d + p, _mm512_mask_i32gather_ps(_mm512_setzero_ps(), 0xFFFF, pixels, src + p * 16 + l, 4));
    for (; p < size; ++p) d[p] = src[p * 16 + l];
  }
}

}  // namespace rknnc::runtime::kernels
