#include "runtime/kernels/helpers/qdepthwise_lanes.h"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <vector>

#include "runtime/cpu_features.h"
#include "runtime/kernels/helpers/qdepthwise_phases.h"
#include "runtime/kernels/helpers/scratch.h"
#include "util/byte_transpose.h"
#include "util/error.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include "util/avx512_diagnostics.h"
#endif

namespace rknnc::runtime::kernels {
namespace {

#if defined(__x86_64__)
#define RKNNC_TARGET_LANES __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,avx512vbmi")))

RKNNC_AVX512_DIAGNOSTICS_BEGIN

// The requantisation of sixteen channels, one a lane: requant_row's narrow
// formula, sign(v)·((|v|·M + half) >> shift) + zy, clamped, with each lane's
// bias, mantissa and shift. vpmuludq multiplies the even int32 lanes (the
// low halves of the qwords) and, after a 32-bit shift, the odd ones; each
// 64-bit product is shifted by its own channel's count, and the result
// (under 2^30 for a narrow channel) is its low half.
struct LaneRequant {
  __m512i bias, even_m, odd_m, even_half, odd_half, even_shift, odd_shift, zy, lo8, hi8;
  bool floors_negatives;  // the clamp's low end at or above zy: a negative sum's output is the low end

  // bias: 16 channels'; consts: mantissa, half and shift of the even
  // channels, then of the odd ones, 8 each.
  RKNNC_TARGET_LANES LaneRequant(const int32_t* b, const int64_t* consts, int32_t out_zero, int32_t out_lo,
                                 int32_t out_hi)
      : bias(_mm512_loadu_si512(b)),
        even_m(_mm512_loadu_si512(consts)),
        odd_m(_mm512_loadu_si512(consts + 24)),
        even_half(_mm512_loadu_si512(consts + 8)),
        odd_half(_mm512_loadu_si512(consts + 32)),
        even_shift(_mm512_loadu_si512(consts + 16)),
        odd_shift(_mm512_loadu_si512(consts + 40)),
        zy(_mm512_set1_epi32(out_zero)),
        lo8(_mm512_set1_epi8(static_cast<char>(out_lo))),
        hi8(_mm512_set1_epi8(static_cast<char>(out_hi))),
        floors_negatives(out_lo >= out_zero) {}

  // zy + the rounded product of each lane's sum, unclamped.
  template <bool kFloorsNegatives>
  RKNNC_TARGET_LANES __m512i apply(__m512i acc) const {
    const __m512i v = _mm512_add_epi32(acc, bias), zero = _mm512_setzero_si512();
    // |INT32_MIN| is 2^31 read unsigned
    const __m512i mag = kFloorsNegatives ? _mm512_max_epi32(v, zero) : _mm512_abs_epi32(v);
    const __m512i pe = _mm512_add_epi64(_mm512_mul_epu32(mag, even_m), even_half);
    const __m512i po = _mm512_add_epi64(_mm512_mul_epu32(_mm512_srli_epi64(mag, 32), odd_m), odd_half);
    __m512i r = _mm512_mask_blend_epi32(0xAAAA, _mm512_srlv_epi64(pe, even_shift),
                                        _mm512_slli_epi64(_mm512_srlv_epi64(po, odd_shift), 32));
    if (!kFloorsNegatives) r = _mm512_mask_sub_epi32(r, _mm512_cmplt_epi32_mask(v, zero), zero, r);
    return _mm512_add_epi32(r, zy);
  }

  // Four outputs' bytes in one vector: saturating packs (the clamp lies
  // within int8, so saturating first changes nothing), then the clamp on
  // bytes. 128-bit lane L holds channels 4L..4L+3: byte 16L + 4o + c % 4 is
  // output o's of channel c.
  template <bool kFloorsNegatives>
  RKNNC_TARGET_LANES __m512i bytes4(const __m512i acc[4]) const {
    const __m512i w01 = _mm512_packs_epi32(apply<kFloorsNegatives>(acc[0]), apply<kFloorsNegatives>(acc[1]));
    const __m512i w23 = _mm512_packs_epi32(apply<kFloorsNegatives>(acc[2]), apply<kFloorsNegatives>(acc[3]));
    return _mm512_min_epi8(_mm512_max_epi8(_mm512_packs_epi16(w01, w23), lo8), hi8);
  }
};

// The sixteen channels' planes, pixel-major and unsigned, into `image`
// (rows of `pitch` pixels, 16 bytes a pixel, already filled with the
// padding): input pixel (ih, iw) at padded (ih + pad top, iw + pad left),
// left out where no output reads it. Channels past n read as zero.
RKNNC_TARGET_LANES void copy_in(const int8_t* x, int64_t in, int64_t n, const Window& w, int64_t rows,
                                int64_t pitch, uint8_t* image) {
  const __m128i flip = _mm_set1_epi8(static_cast<char>(0x80));
  const int64_t end = w.pad_begin[2] + w.in[2];  // past a row's last padded column
  int64_t row = w.pad_begin[1], col = w.pad_begin[2];  // of input pixel f + i
  for (int64_t f = 0; f < in; f += 16) {
    const int64_t count = std::min<int64_t>(16, in - f);
    const auto mask = static_cast<__mmask16>(count == 16 ? 0xFFFF : (1u << count) - 1);
    __m128i r[16];
    for (int64_t c = 0; c < 16; ++c) r[c] = c < n ? _mm_maskz_loadu_epi8(mask, x + c * in + f) : _mm_setzero_si128();
    transpose_bytes16(r);
    for (int64_t i = 0; i < count; ++i) {
      if (row < rows && col < pitch)
        _mm_storeu_si128(reinterpret_cast<__m128i*>(image + (row * pitch + col) * 16), _mm_xor_si128(r[i], flip));
      if (++col == end) col = w.pad_begin[2], ++row;
    }
  }
}

// Sixteen outputs (four vectors of bytes4's layout: z[k] holds outputs
// 4k..4k+3) into the n channels' planes from output f; count of them real.
// The 128-bit lanes are transposed first, so vector j holds lane j of each
// (channels 4j..4j+3), then one vpermb puts each channel's sixteen bytes
// together.
RKNNC_TARGET_LANES void store_out(const __m512i z[4], int64_t count, int64_t n, int64_t out, int64_t f, int8_t* y) {
  alignas(64) static constexpr uint8_t kChannelRuns[64] = {
      0, 4, 8,  12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60, 1, 5, 9,  13, 17, 21,
      25, 29, 33, 37, 41, 45, 49, 53, 57, 61, 2, 6, 10, 14, 18, 22, 26, 30, 34, 38, 42, 46,
      50, 54, 58, 62, 3, 7, 11, 15, 19, 23, 27, 31, 35, 39, 43, 47, 51, 55, 59, 63};
  const __m512i runs = _mm512_load_si512(kChannelRuns);
  const __m512i a = _mm512_shuffle_i64x2(z[0], z[1], 0x44), b = _mm512_shuffle_i64x2(z[0], z[1], 0xEE);
  const __m512i c = _mm512_shuffle_i64x2(z[2], z[3], 0x44), d = _mm512_shuffle_i64x2(z[2], z[3], 0xEE);
  // lane j of z0, z1, z2, z3 in order
  const __m512i lanes[4] = {_mm512_shuffle_i64x2(a, c, 0x88), _mm512_shuffle_i64x2(a, c, 0xDD),
                            _mm512_shuffle_i64x2(b, d, 0x88), _mm512_shuffle_i64x2(b, d, 0xDD)};
  const auto mask = static_cast<__mmask16>(count == 16 ? 0xFFFF : (1u << count) - 1);
  alignas(64) int8_t bytes[4][64];
  for (int j = 0; j < 4; ++j) _mm512_store_si512(bytes[j], _mm512_permutexvar_epi8(runs, lanes[j]));
  for (int64_t ch = 0; ch < n; ++ch) {
    const __m128i v = _mm_load_si128(reinterpret_cast<const __m128i*>(bytes[ch / 4] + 16 * (ch % 4)));
    if (count == 16)  // masked stores are slow on Zen 4
      _mm_storeu_si128(reinterpret_cast<__m128i*>(y + ch * out + f), v);
    else
      _mm_mask_storeu_epi8(y + ch * out + f, mask, v);
  }
}

// Four outputs (their first taps' pixels at[i]): per kernel row and quad,
// the quads of their taps (64 bytes from the tap's pixel, vpermb'd to a
// channel a dword) against the channels' weight quads; four independent
// sums, so their latencies overlap.
template <bool kFloorsNegatives>
RKNNC_TARGET_LANES inline __m512i lane_quad(const uint8_t* const at[4], int64_t row_step, int64_t kh, int64_t groups,
                                            const int32_t* weights, __m512i start, const LaneRequant& rq) {
  alignas(64) static constexpr uint8_t kQuadOfChannel[64] = {
      0,  16, 32, 48, 1,  17, 33, 49, 2,  18, 34, 50, 3,  19, 35, 51, 4,  20, 36, 52, 5,  21,
      37, 53, 6,  22, 38, 54, 7,  23, 39, 55, 8,  24, 40, 56, 9,  25, 41, 57, 10, 26, 42, 58,
      11, 27, 43, 59, 12, 28, 44, 60, 13, 29, 45, 61, 14, 30, 46, 62, 15, 31, 47, 63};
  const __m512i quads = _mm512_load_si512(kQuadOfChannel);
  __m512i acc[4] = {start, start, start, start};
  for (int64_t r = 0; r < kh; ++r)
    for (int64_t g = 0; g < groups; ++g) {
      const __m512i wq = _mm512_loadu_si512(weights + (r * groups + g) * 16);
      const int64_t off = r * row_step + 64 * g;
#pragma GCC unroll 4
      for (int i = 0; i < 4; ++i)
        acc[i] = _mm512_dpbusd_epi32(acc[i], _mm512_permutexvar_epi8(quads, _mm512_loadu_si512(at[i] + off)), wq);
    }
  return rq.bytes4<kFloorsNegatives>(acc);
}

// Every output of the sixteen channels, sixteen at a time in flat order
// (runs of four may span rows; past the last output the last is repeated).
template <bool kFloorsNegatives>
RKNNC_TARGET_LANES void lane_outputs(const uint8_t* image, int64_t pitch, const Window& w, const int32_t* weights,
                                     int64_t groups, __m512i start, const LaneRequant& rq, int64_t n, int8_t* y) {
  const int64_t out = w.out_size(), kh = w.kernel[1], row_step = w.dilation[1] * pitch * 16;
  int64_t oh = 0, ow = 0;  // of the next output
  const uint8_t* last = image;
  for (int64_t f = 0; f < out; f += 16) {
    __m512i z[4];
    for (int k = 0; k < 4; ++k) {
      const uint8_t* at[4];
      for (int i = 0; i < 4; ++i) {
        if (oh < w.out[1]) {
          last = image + (oh * w.stride[1] * pitch + ow * w.stride[2]) * 16;
          if (++ow == w.out[2]) ow = 0, ++oh;
        }
        at[i] = last;
      }
      z[k] = lane_quad<kFloorsNegatives>(at, row_step, kh, groups, weights, start, rq);
    }
    store_out(z, std::min<int64_t>(16, out - f), n, out, f, y);
  }
}

// The sixteen channels from x (their first plane), n of them real, into y.
RKNNC_TARGET_LANES void run_lanes(const int8_t* x, int32_t zx, const Window& win, const int32_t* weights,
                                  int64_t quads, const int32_t* start, const LaneRequant& rq, int8_t* y, int64_t n) {
  const int64_t kh = win.kernel[1], in = win.in_size();
  // Padded rows and columns the outputs read (a quad of taps reads four pixels).
  const int64_t rows = (win.out[1] - 1) * win.stride[1] + (kh - 1) * win.dilation[1] + 1;
  const int64_t pitch = (win.out[2] - 1) * win.stride[2] + 4 * quads;
  thread_local std::vector<uint8_t, UninitAllocator<uint8_t>> image;
  grow_to(image, static_cast<size_t>(rows * pitch * 16));
  std::memset(image.data(), zx + 128, static_cast<size_t>(rows * pitch * 16));
  copy_in(x, in, n, win, rows, pitch, image.data());
  const __m512i first = _mm512_loadu_si512(start);
  if (rq.floors_negatives)
    lane_outputs<true>(image.data(), pitch, win, weights, quads, first, rq, n, y);
  else
    lane_outputs<false>(image.data(), pitch, win, weights, quads, first, rq, n, y);
}

RKNNC_AVX512_DIAGNOSTICS_END
#endif

}  // namespace

bool LaneDepthwise::available() {
  const CpuFeatures& f = cpu_features();
  return f.avx512_vnni && f.avx512_vbmi;
}

LaneDepthwise::LaneDepthwise(const int8_t* w, int64_t m, int64_t kh, int64_t kw, int32_t zx, const RequantPlan& plan)
    : m_(m), kh_(kh), kw_(kw), quads_((kw + 3) / 4), zx_(zx), zy_(plan.zy), lo_(plan.clamp.lo), hi_(plan.clamp.hi) {
  const int64_t groups = (m + kLaneChannels - 1) / kLaneChannels, taps = kh * kw, rows = kh * quads_;
  weights_.assign(static_cast<size_t>(groups * rows * kLaneChannels), 0);
  start_.assign(static_cast<size_t>(groups * kLaneChannels), 0);
  bias_.assign(static_cast<size_t>(groups * kLaneChannels), 0);
  consts_.assign(static_cast<size_t>(groups * 48), 0);
  narrow_.assign(static_cast<size_t>(groups), 1);
  std::vector<int32_t> quads(static_cast<size_t>(rows));
  for (int64_t c = 0; c < m; ++c) {
    const int64_t g = c / kLaneChannels, l = c % kLaneChannels;
    const int8_t* wc = w + c * taps;
    pack_tap_groups(wc, kh, kw, 4, quads.data());
    for (int64_t q = 0; q < rows; ++q)
      weights_[static_cast<size_t>((g * rows + q) * kLaneChannels + l)] = quads[static_cast<size_t>(q)];
    start_[static_cast<size_t>(c)] = -(zx + 128) * std::accumulate(wc, wc + taps, int32_t{0});
    const ChannelRequant& ch = plan.channel[static_cast<size_t>(c)];
    bias_[static_cast<size_t>(c)] = ch.bias;
    int64_t* k = consts_.data() + g * 48 + (l % 2) * 24 + l / 2;
    k[0] = ch.mult.mantissa;
    k[8] = ch.mult.shift ? int64_t{1} << (ch.mult.shift - 1) : 0;
    k[16] = ch.mult.shift;
    if (!ch.narrow) narrow_[static_cast<size_t>(g)] = 0;
  }
}

bool LaneDepthwise::fits(const Window& w) const {
  return w.in_size() <= kLanePlaneLimit && w.in[0] == 1 && w.out[0] == 1 && w.kernel[0] == 1 && w.pad_begin[0] == 0 &&
         w.kernel[1] == kh_ && w.kernel[2] == kw_ && w.dilation[2] == 1 && zx_ >= -128 && zx_ <= 127;
}

void LaneDepthwise::run(const int8_t* x, const Window& win, int8_t* y, int64_t g) const {
  if (win.out_size() == 0) return;
  const int64_t c0 = g * kLaneChannels, n = std::min(kLaneChannels, m_ - c0);
#if defined(__x86_64__)
  const LaneRequant rq(bias_.data() + c0, consts_.data() + g * 48, zy_, lo_, hi_);
  run_lanes(x + c0 * win.in_size(), zx_, win, weights_.data() + g * kh_ * quads_ * kLaneChannels, quads_,
            start_.data() + c0, rq, y + c0 * win.out_size(), n);
#else
  (void)x, (void)y, (void)n;
  fail("the AVX-512 VNNI depthwise loop was called on a CPU without it");
#endif
}

}  // namespace rknnc::runtime::kernels
