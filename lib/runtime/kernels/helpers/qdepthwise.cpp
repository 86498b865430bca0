#include "runtime/kernels/helpers/qdepthwise.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "runtime/kernels/helpers/conv_loops.h"
#include "runtime/kernels/helpers/qrequant_avx512.h"
#include "runtime/kernels/helpers/scratch.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace rknnc::runtime::kernels {
namespace {

constexpr int64_t kStep = 8;        // outputs per step of the direct loop
constexpr int64_t kWideStep = 32;   // outputs per step of its AVX-512 form

bool direct_fits(const Window& w) {
  return w.in[0] == 1 && w.out[0] == 1 && w.kernel[0] == 1 && w.pad_begin[0] == 0 && w.dilation[1] == 1 &&
         w.dilation[2] == 1 && (w.stride[2] == 1 || w.stride[2] == 2);
}

// One channel as int16 minus zx, zero padded: padded (row r, column j) is
// input (r - pad_top, j - pad_left); wide enough that whole steps of eight
// outputs (and the pair loads past the last tap) stay inside.
struct Plane {
  std::vector<int16_t> data;
  int64_t width = 0;
};

// Rows [0, rows) of a plane `pitch` values apart: plane row r is input row
// r - pad top minus zx from column `left` for `cols` values, zeros around it
// (all zeros outside the input).
using PlaneFillFn = void (*)(const int8_t* x, int32_t zx, const Window& w, int64_t rows, int64_t left, int64_t cols,
                             int64_t pitch, int16_t* d);

void fill_rows(const int8_t* x, int32_t zx, const Window& w, int64_t rows, int64_t left, int64_t cols, int64_t pitch,
               int16_t* d) {
  for (int64_t r = 0; r < rows; ++r, d += pitch) {
    const int64_t ih = r - w.pad_begin[1];
    const int64_t n = ih < 0 || ih >= w.in[1] ? 0 : cols;
    const int8_t* s = x + (n ? ih * w.in[2] : 0);
    std::fill(d, d + left, int16_t{0});
    for (int64_t i = 0; i < n; ++i) d[left + i] = static_cast<int16_t>(s[i] - zx);
    std::fill(d + left + n, d + pitch, int16_t{0});
  }
}

#if defined(__x86_64__)
// n zeros from p: one store for the usual few padding columns (a loop of
// stores here becomes a memset call per row).
__attribute__((target("avx512f"))) inline void pad_zeros(int16_t* p, int64_t n) {
  if (n > 32) std::fill_n(p, n, int16_t{0});
  else if (n > 0) _mm512_storeu_si512(p, _mm512_setzero_si512());
}

// Whole 32-value stores in row order, each free to run past its part into
// the next (which is written after it; `slack` values past the last row take
// the rest); only the last load of an input row is masked, so nothing past
// the row is read.
__attribute__((target("avx512f,avx512bw,avx512vl"))) void fill_rows_avx512(const int8_t* x, int32_t zx,
                                                                           const Window& w, int64_t rows, int64_t left,
                                                                           int64_t cols, int64_t pitch, int16_t* d) {
  const __m512i z = _mm512_set1_epi16(static_cast<int16_t>(zx));
  for (int64_t r = 0; r < rows; ++r, d += pitch) {
    const int64_t ih = r - w.pad_begin[1];
    if (ih < 0 || ih >= w.in[1]) {
      std::fill_n(d, pitch, int16_t{0});
      continue;
    }
    pad_zeros(d, left);
    const int8_t* s = x + ih * w.in[2];
    for (int64_t j = 0; j < cols; j += 32) {
      const __m256i b = cols - j >= 32 ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(s + j))
                                       : _mm256_maskz_loadu_epi8(static_cast<__mmask32>((uint64_t{1} << (cols - j)) - 1), s + j);
      _mm512_storeu_si512(d + left + j, _mm512_sub_epi16(_mm512_cvtepi8_epi16(b), z));
    }
    pad_zeros(d + left + cols, pitch - left - cols);
  }
}
#endif

// `flat` (stride 1): rows exactly as wide as the padded input, so the plane
// read as one long row holds every output's taps at fixed offsets. Zeros
// after the last row cover the loads past it (and fill_rows_avx512's stores).
void fill_plane(const int8_t* x, int32_t zx, const Window& w, Plane& pl, int64_t step, PlaneFillFn fill,
                bool flat = false) {
  const int64_t out8 = (w.out[2] + step - 1) / step * step;
  const int64_t rows = (w.out[1] - 1) * w.stride[1] + w.kernel[1];
  pl.width = flat ? w.out[2] + w.kernel[2] - 1 : out8 * w.stride[2] + w.kernel[2] + step;
  const int64_t slack = 2 * step + w.kernel[2] + 32;
  grow_to(pl.data, static_cast<size_t>(rows * pl.width + slack));  // every value is written below
  const int64_t left = std::min(w.pad_begin[2], pl.width), cols = std::clamp<int64_t>(w.in[2], 0, pl.width - left);
  fill(x, zx, w, rows, left, cols, pl.width, pl.data.data());
  std::fill_n(pl.data.data() + rows * pl.width, slack, int16_t{0});
}

#if defined(__SSE2__)
// Horizontal tap pairs (w[r][2j], w[r][2j + 1] or 0), one pmaddwd lane each.
std::vector<int32_t> weight_pairs(const int8_t* w, const Window& win) {
  const int64_t kh = win.kernel[1], kw = win.kernel[2], jp = (kw + 1) / 2;
  std::vector<int32_t> out(static_cast<size_t>(kh * jp));
  for (int64_t r = 0; r < kh; ++r)
    for (int64_t j = 0; j < jp; ++j) {
      const int16_t lo = w[r * kw + 2 * j], hi = 2 * j + 1 < kw ? w[r * kw + 2 * j + 1] : int16_t{0};
      out[r * jp + j] = static_cast<int32_t>(static_cast<uint16_t>(lo) | uint32_t{static_cast<uint16_t>(hi)} << 16);
    }
  return out;
}

// Eight outputs from ow of one output row; src is the plane row of tap row 0.
// Stride 1 pairs neighbours by interleaving two shifted loads; with stride 2
// a plain load already holds (tap 2j, tap 2j + 1) of four outputs.
void step8(const int16_t* src, int64_t width, const std::vector<int32_t>& wp, const Window& win, int64_t ow,
           int32_t* acc) {
  const int64_t kh = win.kernel[1], jp = (win.kernel[2] + 1) / 2;
  __m128i lo = _mm_setzero_si128(), hi = lo;
  for (int64_t r = 0; r < kh; ++r) {
    const int16_t* row = src + r * width + ow * win.stride[2];
    for (int64_t j = 0; j < jp; ++j) {
      const __m128i wv = _mm_set1_epi32(wp[r * jp + j]);
      const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row + 2 * j));
      if (win.stride[2] == 1) {
        const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row + 2 * j + 1));
        lo = _mm_add_epi32(lo, _mm_madd_epi16(_mm_unpacklo_epi16(a, b), wv));
        hi = _mm_add_epi32(hi, _mm_madd_epi16(_mm_unpackhi_epi16(a, b), wv));
      } else {
        const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row + 2 * j + kStep));
        lo = _mm_add_epi32(lo, _mm_madd_epi16(a, wv));
        hi = _mm_add_epi32(hi, _mm_madd_epi16(b, wv));
      }
    }
  }
  _mm_storeu_si128(reinterpret_cast<__m128i*>(acc), lo);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(acc + 4), hi);
}

// acc[oh·OW + ow] for the whole channel; the steps of a row may run up to
// seven outputs into the next row, which is computed afterwards.
void direct_channel(const Plane& pl, const int8_t* w, const Window& win, int32_t* acc) {
  const std::vector<int32_t> wp = weight_pairs(w, win);
  for (int64_t oh = 0; oh < win.out[1]; ++oh) {
    const int16_t* src = pl.data.data() + oh * win.stride[1] * pl.width;
    for (int64_t ow = 0; ow < win.out[2]; ow += kStep) step8(src, pl.width, wp, win, ow, acc + oh * win.out[2] + ow);
  }
}

#if defined(__x86_64__)
// step8 on zmm with vpdpwssd, 32 outputs a step: outputs [0, n) of a run
// whose output i reads tap row r, pair j at src[i·stride + r·pitch + 2j]
// (and the next value). With stride 1 the 16-bit unpacks work per 128-bit
// lane, so lo holds outputs 0-3, 8-11, 16-19, 24-27 and hi the four after
// each; two permutes put them back in order.
__attribute__((target("avx512f,avx512bw,avx512vnni"))) void run32(const int16_t* src, int64_t pitch,
                                                                  const std::vector<int32_t>& wp, const Window& win,
                                                                  int64_t n, int32_t* out) {
  const int64_t kh = win.kernel[1], jp = (win.kernel[2] + 1) / 2, stride = win.stride[2];
  for (int64_t i = 0; i < n; i += kWideStep) {
    __m512i lo = _mm512_setzero_si512(), hi = lo;
    for (int64_t r = 0; r < kh; ++r) {
      const int16_t* row = src + r * pitch + i * stride;
      for (int64_t j = 0; j < jp; ++j) {
        const __m512i wv = _mm512_set1_epi32(wp[r * jp + j]);
        const __m512i a = _mm512_loadu_si512(row + 2 * j);
        // vpdpwssd: the pmaddwd pair sum added in the same instruction, wrapping as paddd does
        if (stride == 1) {
          const __m512i b = _mm512_loadu_si512(row + 2 * j + 1);
          lo = _mm512_dpwssd_epi32(lo, _mm512_unpacklo_epi16(a, b), wv);
          hi = _mm512_dpwssd_epi32(hi, _mm512_unpackhi_epi16(a, b), wv);
        } else {
          const __m512i b = _mm512_loadu_si512(row + 2 * j + kWideStep);
          lo = _mm512_dpwssd_epi32(lo, a, wv);
          hi = _mm512_dpwssd_epi32(hi, b, wv);
        }
      }
    }
    if (stride == 1) {
      const __m512i first = _mm512_setr_epi32(0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23);
      const __m512i second = _mm512_setr_epi32(8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31);
      _mm512_storeu_si512(out + i, _mm512_permutex2var_epi32(lo, first, hi));
      _mm512_storeu_si512(out + i + 16, _mm512_permutex2var_epi32(lo, second, hi));
    } else {
      _mm512_storeu_si512(out + i, lo);
      _mm512_storeu_si512(out + i + 16, hi);
    }
  }
}

// Stride 1 on the flat plane, in int32 pairs: pairs[i] holds plane values i
// (low half) and i + 1, so output i's taps (r, 2j) and (r, 2j + 1) are the one
// lane pairs[i + r·pitch + 2j] against the weight pair. One load and one
// vpdpwssd per 16 outputs and pair, where interleaving the int16 plane took
// three loads and an unpack, and the sums come out in order.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // GCC 12's AVX-512 headers (see qrequant_avx512.cpp)
__attribute__((target("avx512f,avx512bw"))) void build_pairs(const int16_t* p, int64_t n, int32_t* pairs) {
  for (int64_t i = 0; i < n; i += 16) {
    const __m512i lo = _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i)));
    const __m512i hi = _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 1)));
    _mm512_storeu_si512(pairs + i, _mm512_or_si512(lo, _mm512_slli_epi32(hi, 16)));
  }
}
#pragma GCC diagnostic pop

// 16·U outputs from pairs[0]: U chains side by side.
template <int U>
__attribute__((target("avx512f,avx512vnni"))) void pair_steps(const int32_t* pairs, int64_t pitch, const int32_t* wp,
                                                              int64_t kh, int64_t jp, int32_t* out) {
  __m512i acc[U];
  for (int u = 0; u < U; ++u) acc[u] = _mm512_setzero_si512();
  for (int64_t r = 0; r < kh; ++r)
    for (int64_t j = 0; j < jp; ++j) {
      const __m512i wv = _mm512_set1_epi32(wp[r * jp + j]);
      const int32_t* src = pairs + r * pitch + 2 * j;
      for (int u = 0; u < U; ++u) acc[u] = _mm512_dpwssd_epi32(acc[u], _mm512_loadu_si512(src + 16 * u), wv);
    }
  for (int u = 0; u < U; ++u) _mm512_storeu_si512(out + 16 * u, acc[u]);
}

// Outputs [0, n) of the flat plane, rounded up to whole vectors of 16, in
// bands of about kPairBandBytes of pairs, so that the pairs stay in L1 from
// their build to their last read (the whole plane's pairs did not, and the
// plane's stores stalled).
constexpr int64_t kPairBandBytes = 16 << 10;

void run_pairs(const Plane& pl, const std::vector<int32_t>& wp, const Window& win, int64_t n, int32_t* out) {
  constexpr int kChains = 4;
  const int64_t kh = win.kernel[1], jp = (win.kernel[2] + 1) / 2;
  // the pairs past a band that its last vector's last tap pair reads; the plane's slack covers the value after each
  const int64_t reach = (kh - 1) * pl.width + 2 * (jp - 1);
  // outputs a band; at least twice the reach, so that wide images rebuild at most half their pairs again
  const int64_t band = std::max<int64_t>(16, std::max(kPairBandBytes / 4 - reach, 2 * reach) / 16 * 16);
  thread_local std::vector<int32_t> pairs;  // every pair read is built first
  grow_to(pairs, static_cast<size_t>((band + reach + 15) / 16 * 16));
  for (int64_t b = 0; b < n; b += band) {
    const int64_t vectors = (std::min(band, n - b) + 15) / 16;
    build_pairs(pl.data.data() + b, (vectors * 16 + reach + 15) / 16 * 16, pairs.data());
    int64_t v = 0;
    for (; v + kChains <= vectors; v += kChains)
      pair_steps<kChains>(pairs.data() + 16 * v, pl.width, wp.data(), kh, jp, out + b + 16 * v);
    for (; v < vectors; ++v) pair_steps<1>(pairs.data() + 16 * v, pl.width, wp.data(), kh, jp, out + b + 16 * v);
  }
}

// acc[oh·OW + ow] for the whole channel (acc holds OH·pitch + 32 values).
// Stride 1 runs the flat plane as one row of OH·pitch outputs (run_pairs),
// the columns past OW of each row wasted (kernel width - 1 of them, where
// whole steps per row would waste up to 25 of 32 on a 7-wide row), then
// closes the gaps.
__attribute__((target("avx512f,avx512bw,avx512vnni"))) void direct_channel_avx512(const Plane& pl, const int8_t* w,
                                                                                  const Window& win, int32_t* acc) {
  const std::vector<int32_t> wp = weight_pairs(w, win);
  const int64_t oh_n = win.out[1], ow_n = win.out[2];
  if (win.stride[1] == 1 && win.stride[2] == 1) {
    run_pairs(pl, wp, win, oh_n * pl.width, acc);
    for (int64_t oh = 1; oh < oh_n; ++oh) std::memmove(acc + oh * ow_n, acc + oh * pl.width, sizeof(int32_t) * ow_n);
    return;
  }
  for (int64_t oh = 0; oh < oh_n; ++oh)
    run32(pl.data.data() + oh * win.stride[1] * pl.width, pl.width, wp, win, ow_n, acc + oh * ow_n);
}
#endif
#else
void direct_channel(const Plane& pl, const int8_t* w, const Window& win, int32_t* acc) {
  const int64_t kh = win.kernel[1], kw = win.kernel[2];
  for (int64_t oh = 0; oh < win.out[1]; ++oh)
    for (int64_t ow = 0; ow < win.out[2]; ++ow) {
      const int16_t* src = pl.data.data() + oh * win.stride[1] * pl.width + ow * win.stride[2];
      int32_t s = 0;
      for (int64_t r = 0; r < kh; ++r)
        for (int64_t j = 0; j < kw; ++j) s += src[r * pl.width + j] * w[r * kw + j];
      acc[oh * win.out[2] + ow] = s;
    }
}
#endif

// Any window: the shared depthwise loop on the centred channel.
void generic_channel(const int8_t* x, int32_t zx, const int8_t* w, const Window& win, int32_t* acc) {
  const int64_t in = win.in_size(), taps = win.kernel_size();
  std::vector<int16_t> xc(static_cast<size_t>(in)), wc(w, w + taps);
  for (int64_t i = 0; i < in; ++i) xc[i] = static_cast<int16_t>(x[i] - zx);
  depthwise_conv<int16_t, int32_t>(xc.data(), wc.data(), nullptr, win, acc, 0, 1);
}

}  // namespace

void qdepthwise(const int8_t* x, int32_t zx, const int8_t* w, const Window& win, const RequantPlan& plan, int8_t* y,
                int64_t c0, int64_t c1, QuadIsa isa) {
  const int64_t in = win.in_size(), out = win.out_size(), taps = win.kernel_size();
  if (out == 0) return;
  thread_local std::vector<int32_t> acc;  // written by a channel's loop before its requantisation reads it
  thread_local Plane plane;
  const bool flat = win.stride[1] == 1 && win.stride[2] == 1;  // the AVX-512 loop's flat plane
  grow_to(acc, static_cast<size_t>(std::max(out, win.out[1] * (win.out[2] + win.kernel[2])) + kWideStep));
  for (int64_t c = c0; c < c1; ++c) {
    if (direct_fits(win)) {
#if defined(__x86_64__)
      if (isa == QuadIsa::Vnni) {
        fill_plane(x + c * in, zx, win, plane, kWideStep, fill_rows_avx512, flat);
        direct_channel_avx512(plane, w + c * taps, win, acc.data());
        requant_row_on(isa, plan, c, acc.data(), out, y + c * out);
        continue;
      }
#endif
      fill_plane(x + c * in, zx, win, plane, kStep, fill_rows);
      direct_channel(plane, w + c * taps, win, acc.data());
    } else {
      generic_channel(x + c * in, zx, w + c * taps, win, acc.data());
    }
    requant_row_on(isa, plan, c, acc.data(), out, y + c * out);
  }
}

}  // namespace rknnc::runtime::kernels
