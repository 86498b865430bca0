#include "runtime/kernels/helpers/qdepthwise.h"

#include <algorithm>
#include <vector>

#include "runtime/kernels/helpers/conv_loops.h"
#include "runtime/kernels/helpers/qdepthwise_avx2.h"
#include "runtime/kernels/helpers/qdepthwise_vnni.h"
#include "runtime/kernels/helpers/qrequant_avx512.h"
#include "runtime/kernels/helpers/scratch.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace rknnc::runtime::kernels {
namespace {

constexpr int64_t kStep = 8;        // outputs per step of the direct loop

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

void fill_plane(const int8_t* x, int32_t zx, const Window& w, Plane& pl) {
  const int64_t out8 = (w.out[2] + kStep - 1) / kStep * kStep;
  const int64_t rows = (w.out[1] - 1) * w.stride[1] + w.kernel[1];
  pl.width = out8 * w.stride[2] + w.kernel[2] + kStep;
  grow_to(pl.data, static_cast<size_t>(rows * pl.width));  // every value is written below
  const int64_t left = std::min(w.pad_begin[2], pl.width), cols = std::clamp<int64_t>(w.in[2], 0, pl.width - left);
  fill_rows(x, zx, w, rows, left, cols, pl.width, pl.data.data());
}

#if defined(__SSE2__)
// Horizontal tap pairs (w[r][2j], w[r][2j + 1] or 0), one pmaddwd lane each.
std::vector<int32_t> weight_pairs(const int8_t* w, const Window& win) {
  std::vector<int32_t> out(static_cast<size_t>(win.kernel[1] * ((win.kernel[2] + 1) / 2)));
  pack_tap_groups(w, win.kernel[1], win.kernel[2], 2, out.data());
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

// Channels [c0, c1) one plane at a time.
void qdepthwise_planes(const int8_t* x, int32_t zx, const int8_t* w, const Window& win, const RequantPlan& plan,
                       int8_t* y, int64_t c0, int64_t c1, QuadIsa isa) {
  const int64_t in = win.in_size(), out = win.out_size(), taps = win.kernel_size();
  thread_local std::vector<int32_t> acc;  // written by a channel's loop before its requantisation reads it
  auto channels = [&](const auto& dw) {
    grow_to(acc, static_cast<size_t>(dw.acc_size()));
    for (int64_t c = c0; c < c1; ++c) {
      dw.sums(x + c * in, w + c * taps, acc.data());
      requant_row_on(isa, plan, c, acc.data(), out, y + c * out);
    }
  };
  if (DepthwisePhases::fits(win, zx)) {
    if (isa == QuadIsa::Vnni) return channels(VnniDepthwise(win, zx));
    if (isa == QuadIsa::Avx2) return channels(Avx2Depthwise(win, zx));
  }
  thread_local Plane plane;
  grow_to(acc, static_cast<size_t>(out + kStep));  // direct_channel computes whole steps
  for (int64_t c = c0; c < c1; ++c) {
    if (direct_fits(win)) {
      fill_plane(x + c * in, zx, win, plane);
      direct_channel(plane, w + c * taps, win, acc.data());
    } else {
      generic_channel(x + c * in, zx, w + c * taps, win, acc.data());
    }
    requant_row_on(isa, plan, c, acc.data(), out, y + c * out);
  }
}

}  // namespace

int64_t qdepthwise_channels(const Window& win, QuadIsa isa, const LaneDepthwise* lanes) {
  return isa == QuadIsa::Vnni && lanes && lanes->fits(win) ? kLaneChannels : 1;
}

void qdepthwise(const int8_t* x, int32_t zx, const int8_t* w, const Window& win, const RequantPlan& plan, int8_t* y,
                int64_t c0, int64_t c1, QuadIsa isa, const LaneDepthwise* lanes) {
  if (win.out_size() == 0) return;
  if (qdepthwise_channels(win, isa, lanes) == 1) return qdepthwise_planes(x, zx, w, win, plan, y, c0, c1, isa);
  // Sixteen channels at a time in the lanes (c0 is a group's first); a group
  // with a wide channel (its sums may leave int32) plane by plane.
  for (int64_t c = c0; c < c1; c += kLaneChannels) {
    const int64_t g = c / kLaneChannels;
    if (lanes->narrow(g)) lanes->run(x, win, y, g);
    else qdepthwise_planes(x, zx, w, win, plan, y, c, std::min(c1, c + kLaneChannels), isa);
  }
}

}  // namespace rknnc::runtime::kernels
