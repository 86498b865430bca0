#include <immintrin.h>

#include <algorithm>

#include "runtime/kernels/helpers/depthwise_f32.h"
#include "runtime/kernels/helpers/register_transpose_avx2.h"
#include "runtime/kernels/helpers/store_clamp_avx2.h"

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

namespace rknnc::runtime::kernels {

// P pixels at a time: P independent fma chains hide the fma latency, and
// each tap's weight vector is loaded once for all P.
template <int P>
__attribute__((target("avx2,fma,f16c"))) void dw_block_avx2(float* y, const float* xi, const DwTap* taps, int64_t ntaps,
                                                  const float* w, const float* bias, int64_t step,
                                                  const StoreClamp& clamp) {
  constexpr int64_t L = 8;
  const __m256 lo = _mm256_set1_ps(clamp.lo), hi = _mm256_set1_ps(clamp.hi);
  __m256 acc[P];
  for (int p = 0; p < P; ++p) acc[p] = _mm256_loadu_ps(bias);
  for (int64_t t = 0; t < ntaps; ++t) {
    const __m256 wt = _mm256_loadu_ps(w + taps[t].k * L);
    const float* xt = xi + taps[t].off * L;
    for (int p = 0; p < P; ++p) acc[p] = _mm256_fmadd_ps(wt, _mm256_loadu_ps(xt + p * step), acc[p]);
  }
  for (int p = 0; p < P; ++p) _mm256_storeu_ps(y + p * L, clamp_avx2(acc[p], clamp, lo, hi));
}

void dw_pixels_avx2(float* y, const float* x, const DwTap* taps, int64_t ntaps, const float* w, const float* bias,
                    int64_t stride, int64_t n, const StoreClamp& clamp) {
  constexpr int64_t L = 8;
  const int64_t step = stride * L;
  in_pixel_blocks(n, [&](auto p, int64_t i) {
    dw_block_avx2<decltype(p)::value>(y + i * L, x + i * step, taps, ntaps, w, bias, step, clamp);
  });
}

}  // namespace rknnc::runtime::kernels

namespace rknnc::runtime::kernels {

__attribute__((target("avx2"))) void to_pixel_major_avx2(const float* src, int64_t ch, int64_t size, int64_t plane,
                                                         float* dst) {
  for (int64_t p = 0; p < size; p += 8) {
    const int64_t n = std::min<int64_t>(8, size - p);
    const __m256i pixels = first_lanes8(n);
    __m256 r[8];
    for (int64_t l = 0; l < 8; ++l)
      r[l] = l >= ch ? _mm256_setzero_ps()
             : n == 8 ? _mm256_loadu_ps(src + l * plane + p)
                      : _mm256_maskload_ps(src + l * plane + p, pixels);
    transpose8(r);
    for (int64_t i = 0; i < n; ++i) _mm256_storeu_ps(dst + (p + i) * 8, r[i]);
  }
}

__attribute__((target("avx2"))) void from_pixel_major_avx2(const float* src, int64_t ch, int64_t size, int64_t plane,
                                                           float* dst) {
  for (int64_t p = 0; p < size; p += 8) {
    const int64_t n = std::min<int64_t>(8, size - p);
    __m256 r[8];
    for (int64_t i = 0; i < 8; ++i) r[i] = i < n ? _mm256_loadu_ps(src + (p + i) * 8) : _mm256_setzero_ps();
    transpose8(r);
    const __m256i pixels = first_lanes8(n);
    if (n == 8) {  // vmaskmovps stores are slow (microcoded on AMD): only for the last, partial block
      for (int64_t l = 0; l < ch; ++l) _mm256_storeu_ps(dst + l * plane + p, r[l]);
    } else {
      for (int64_t l = 0; l < ch; ++l) _mm256_maskstore_ps(dst + l * plane + p, pixels, r[l]);
    }
  }
}

}  // namespace rknnc::runtime::kernels
