#include "runtime/kernels/helpers/conv_loops.h"

#include <algorithm>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace rknnc::runtime::kernels {
namespace {

// Visits (tap k = (kd,kh,kw), output row r = (od,oh)) for rows r0 <= r < r1 with
// the input row index or -1 when the row is in the padding;
// fn(kw, (r - r0) * out_w, in_row_offset_or_-1).
template <typename Fn>
void for_tap_rows(const Window& w, int64_t k, int64_t r0, int64_t r1, Fn&& fn) {
  const int64_t kw = k % w.kernel[2], kh = (k / w.kernel[2]) % w.kernel[1], kd = k / (w.kernel[2] * w.kernel[1]);
  for (int64_t r = r0; r < r1; ++r) {
    const int64_t od = r / w.out[1], oh = r % w.out[1];
    const int64_t id = window_start(w, 0, od) + kd * w.dilation[0];
    const int64_t ih = window_start(w, 1, oh) + kh * w.dilation[1];
    const bool inside = id >= 0 && id < w.in[0] && ih >= 0 && ih < w.in[1];
    fn(kw, (r - r0) * w.out[2], inside ? (id * w.in[1] + ih) * w.in[2] : -1);
  }
}
template <typename Fn>
void for_tap_rows(const Window& w, int64_t k, Fn&& fn) {
  for_tap_rows(w, k, 0, w.out[0] * w.out[1], fn);
}

// Range of ow for which iw = ow*s - p + kw*d lies in [0, in).
void valid_range(const Window& w, int64_t kw, int64_t& lo, int64_t& hi) {
  const int64_t s = w.stride[2], off = kw * w.dilation[2] - w.pad_begin[2];
  lo = off >= 0 ? 0 : (-off + s - 1) / s;
  hi = w.in[2] - off <= 0 ? 0 : (w.in[2] - off + s - 1) / s;
  hi = std::min(hi, w.out[2]);
  lo = std::min(lo, hi);
}

// d[o] = s[2·o] for o from lo while 32 bytes from s + 2·o stay below
// s + limit (inside the input row); returns the first o not done. SSE2:
// the low byte of each 16-bit pair, packed with unsigned saturation (exact
// for 0..255), is the even byte.
template <typename T>
int64_t gather_even_bytes(const T* s, int64_t limit, int64_t lo, int64_t hi, T* d) {
  int64_t o = lo;
#if defined(__SSE2__)
  const __m128i low = _mm_set1_epi16(0x00FF);
  for (; o + 16 <= hi && 2 * o + 32 <= limit; o += 16) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + 2 * o));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + 2 * o + 16));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(d + o), _mm_packus_epi16(_mm_and_si128(a, low), _mm_and_si128(b, low)));
  }
#else
  (void)s, (void)limit, (void)hi, (void)d;
#endif
  return o;
}

// Rows [b, e) of the im2col matrix of output rows [r0, r1).
template <typename T>
void im2col_band(const T* x, const Window& w, int64_t r0, int64_t r1, T* col, T pad, int64_t b, int64_t e) {
  const int64_t taps = w.kernel_size(), out = (r1 - r0) * w.out[2], in = w.in_size();
  for (int64_t row = b; row < e; ++row) {
    const T* xc = x + (row / taps) * in;
    T* dst = col + row * out;
    for_tap_rows(w, row % taps, r0, r1, [&](int64_t kw, int64_t o, int64_t i) {
      T* d = dst + o;
      if (i < 0) {
        std::fill_n(d, w.out[2], pad);
        return;
      }
      int64_t lo, hi;
      valid_range(w, kw, lo, hi);
      std::fill_n(d, lo, pad);
      const int64_t base = i + kw * w.dilation[2] - w.pad_begin[2];
      if (w.stride[2] == 1) {
        std::copy(xc + base + lo, xc + base + hi, d + lo);
      } else {
        int64_t ow = lo;
        if constexpr (sizeof(T) == 1)
          if (w.stride[2] == 2) ow = gather_even_bytes(xc + base, i + w.in[2] - base, lo, hi, d);
        for (; ow < hi; ++ow) d[ow] = xc[base + ow * w.stride[2]];
      }
      std::fill(d + hi, d + w.out[2], pad);
    });
  }
}

}  // namespace

template <typename T>
void im2col(const T* x, int64_t channels, const Window& w, T* col, ThreadPool* pool, T pad) {
  const int64_t rows = w.out[0] * w.out[1];
  auto body = [&](int64_t b, int64_t e) { im2col_band(x, w, 0, rows, col, pad, b, e); };
  if (pool) pool->parallel_for(channels * w.kernel_size(), w.out_size(), body);
  else body(0, channels * w.kernel_size());
}

template <typename T>
void im2col_rows(const T* x, int64_t channels, const Window& w, int64_t r0, int64_t r1, T* col, T pad) {
  im2col_band(x, w, r0, r1, col, pad, 0, channels * w.kernel_size());
}

template <typename T>
void col2im(const T* col, int64_t channels, const Window& w, T* img, ThreadPool* pool) {
  const int64_t taps = w.kernel_size(), out = w.out_size(), in = w.in_size();
  auto body = [&](int64_t b, int64_t e) {
    for (int64_t c = b; c < e; ++c)
      for (int64_t k = 0; k < taps; ++k) {
        const T* src = col + (c * taps + k) * out;
        T* xc = img + c * in;
        for_tap_rows(w, k, [&](int64_t kw, int64_t o, int64_t i) {
          if (i < 0) return;
          int64_t lo, hi;
          valid_range(w, kw, lo, hi);
          const int64_t base = i + kw * w.dilation[2] - w.pad_begin[2];
          for (int64_t ow = lo; ow < hi; ++ow) xc[base + ow * w.stride[2]] += src[o + ow];
        });
      }
  };
  if (pool) pool->parallel_for(channels, taps * out, body);
  else body(0, channels);
}

template <typename TX, typename TAcc>
void depthwise_conv(const TX* x, const TX* weight, const TAcc* bias, const Window& w, TAcc* y, int64_t c0,
                    int64_t c1) {
  const int64_t taps = w.kernel_size(), out = w.out_size(), in = w.in_size();
  for (int64_t c = c0; c < c1; ++c) {
    TAcc* yc = y + c * out;
    std::fill_n(yc, out, bias ? bias[c] : TAcc{0});
    const TX* xc = x + c * in;
    for (int64_t k = 0; k < taps; ++k) {
      const TAcc wk = weight[c * taps + k];
      for_tap_rows(w, k, [&](int64_t kw, int64_t o, int64_t i) {
        if (i < 0) return;
        int64_t lo, hi;
        valid_range(w, kw, lo, hi);
        const int64_t base = i + kw * w.dilation[2] - w.pad_begin[2];
        TAcc* d = yc + o;
        if (w.stride[2] == 1)
          for (int64_t ow = lo; ow < hi; ++ow) d[ow] += wk * xc[base + ow];
        else
          for (int64_t ow = lo; ow < hi; ++ow) d[ow] += wk * xc[base + ow * w.stride[2]];
      });
    }
  }
}

template void col2im<float>(const float*, int64_t, const Window&, float*, ThreadPool*);
template void col2im<int32_t>(const int32_t*, int64_t, const Window&, int32_t*, ThreadPool*);
template void im2col<float>(const float*, int64_t, const Window&, float*, ThreadPool*, float);
template void im2col<int16_t>(const int16_t*, int64_t, const Window&, int16_t*, ThreadPool*, int16_t);
template void im2col<int8_t>(const int8_t*, int64_t, const Window&, int8_t*, ThreadPool*, int8_t);
template void im2col_rows<int8_t>(const int8_t*, int64_t, const Window&, int64_t, int64_t, int8_t*, int8_t);
template void depthwise_conv<int16_t, int32_t>(const int16_t*, const int16_t*, const int32_t*, const Window&,
                                               int32_t*, int64_t, int64_t);

}  // namespace rknnc::runtime::kernels
