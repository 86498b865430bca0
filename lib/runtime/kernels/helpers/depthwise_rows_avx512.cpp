#include <immintrin.h>

#include <algorithm>

#include "runtime/kernels/helpers/depthwise_f32.h"
#include "runtime/kernels/helpers/register_transpose_avx512.h"
#include "runtime/kernels/helpers/store_clamp_avx512.h"

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
      acc = _mm512_fmadd_ps(w2, _mm512_maskz_loadu_ps(m, s + i + 2 * dil), acc);
      if (m == 0xFFFF) _mm512_storeu_ps(d + i, acc);
      else _mm512_mask_storeu_ps(d + i, m, acc);
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

// P pixels at a time: P independent fma chains hide the fma latency, and
// each tap's weight vector is loaded once for all P.
template <int P>
__attribute__((target("avx512f,fma"))) void dw_block_avx512(float* y, const float* xi, const DwTap* taps, int64_t ntaps,
                                                  const float* w, const float* bias, int64_t step,
                                                  const StoreClamp& clamp) {
  constexpr int64_t L = 16;
  const __m512 lo = _mm512_set1_ps(clamp.lo), hi = _mm512_set1_ps(clamp.hi);
  __m512 acc[P];
  for (int p = 0; p < P; ++p) acc[p] = _mm512_loadu_ps(bias);
  for (int64_t t = 0; t < ntaps; ++t) {
    const __m512 wt = _mm512_loadu_ps(w + taps[t].k * L);
    const float* xt = xi + taps[t].off * L;
    for (int p = 0; p < P; ++p) acc[p] = _mm512_fmadd_ps(wt, _mm512_loadu_ps(xt + p * step), acc[p]);
  }
  for (int p = 0; p < P; ++p) _mm512_storeu_ps(y + p * L, clamp_avx512(acc[p], clamp, lo, hi));
}

void dw_pixels_avx512(float* y, const float* x, const DwTap* taps, int64_t ntaps, const float* w, const float* bias,
                    int64_t stride, int64_t n, const StoreClamp& clamp) {
  constexpr int64_t L = 16;
  const int64_t step = stride * L;
  in_pixel_blocks(n, [&](auto p, int64_t i) {
    dw_block_avx512<decltype(p)::value>(y + i * L, x + i * step, taps, ntaps, w, bias, step, clamp);
  });
}

}  // namespace rknnc::runtime::kernels

namespace rknnc::runtime::kernels {

__attribute__((target("avx512f"))) void to_pixel_major_avx512(const float* src, int64_t ch, int64_t size, int64_t plane,
                                                               float* dst) {
  for (int64_t p = 0; p < size; p += 16) {
    const int64_t n = std::min<int64_t>(16, size - p);
    const __mmask16 pixels = first_lanes16(n);
    __m512 r[16];
    for (int64_t l = 0; l < 16; ++l)
      r[l] = l < ch ? _mm512_maskz_loadu_ps(pixels, src + l * plane + p) : _mm512_setzero_ps();
    transpose16(r);
    for (int64_t i = 0; i < n; ++i) _mm512_storeu_ps(dst + (p + i) * 16, r[i]);
  }
}

__attribute__((target("avx512f"))) void from_pixel_major_avx512(const float* src, int64_t ch, int64_t size,
                                                                 int64_t plane, float* dst) {
  for (int64_t p = 0; p < size; p += 16) {
    const int64_t n = std::min<int64_t>(16, size - p);
    __m512 r[16];
    for (int64_t i = 0; i < 16; ++i) r[i] = i < n ? _mm512_loadu_ps(src + (p + i) * 16) : _mm512_setzero_ps();
    transpose16(r);
    const __mmask16 pixels = first_lanes16(n);
    if (n == 16) {  // masked stores are slow on Zen 4: only for the last, partial block
      for (int64_t l = 0; l < ch; ++l) _mm512_storeu_ps(dst + l * plane + p, r[l]);
    } else {
      for (int64_t l = 0; l < ch; ++l) _mm512_mask_storeu_ps(dst + l * plane + p, pixels, r[l]);
    }
  }
}

}  // namespace rknnc::runtime::kernels
