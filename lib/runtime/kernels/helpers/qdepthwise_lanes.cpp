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
#endif

namespace rknnc::runtime::kernels {
namespace {

#if defined(__x86_64__)
#define RKNNC_TARGET_LANES __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,avx512vbmi")))

// GCC 12's AVX-512 headers (see qrequant_avx512.cpp).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

// The requantisation of sixteen channels, one a lane: requant_row's narrow
// formula, sign(v)·((|v|·M + half) >> shift) + zy, clamped, with each lane's
// bias, mantissa and shift. vpmuludq multiplies the even int32 lanes (the
// low halves of the qwords) and, after a 32-bit shift, the odd ones; each
// 64-bit product is shifted by its own channel's count, and the result
// (under 2^30 for a narrow channel) is its low half.
struct LaneRequant {
  __m512i bias, even_m, odd_m, even_half, odd_half, even_shift, odd_shift, zy, lo, hi;
  bool floors_negatives;  // the clamp's low end at or above zy: a negative sum's output is the low end

  RKNNC_TARGET_LANES LaneRequant(const RequantPlan& plan, int64_t c0, int64_t n) {
    alignas(64) int32_t b[16] = {};
    alignas(64) int64_t m[2][8] = {}, half[2][8] = {}, shift[2][8] = {};
    for (int64_t l = 0; l < n; ++l) {
      const ChannelRequant& ch = plan.channel[static_cast<size_t>(c0 + l)];
      b[l] = ch.bias;
      m[l % 2][l / 2] = ch.mult.mantissa;
      half[l % 2][l / 2] = ch.mult.shift ? int64_t{1} << (ch.mult.shift - 1) : 0;
      shift[l % 2][l / 2] = ch.mult.shift;
    }
    bias = _mm512_load_si512(b);
    even_m = _mm512_load_si512(m[0]), odd_m = _mm512_load_si512(m[1]);
    even_half = _mm512_load_si512(half[0]), odd_half = _mm512_load_si512(half[1]);
    even_shift = _mm512_load_si512(shift[0]), odd_shift = _mm512_load_si512(shift[1]);
    zy = _mm512_set1_epi32(plan.zy), lo = _mm512_set1_epi32(plan.clamp.lo), hi = _mm512_set1_epi32(plan.clamp.hi);
    floors_negatives = plan.clamp.lo >= plan.zy;
  }

  template <bool kFloorsNegatives>
  RKNNC_TARGET_LANES __m128i bytes(__m512i acc) const {
    const __m512i v = _mm512_add_epi32(acc, bias), zero = _mm512_setzero_si512();
    // |INT32_MIN| is 2^31 read unsigned
    const __m512i mag = kFloorsNegatives ? _mm512_max_epi32(v, zero) : _mm512_abs_epi32(v);
    const __m512i pe = _mm512_add_epi64(_mm512_mul_epu32(mag, even_m), even_half);
    const __m512i po = _mm512_add_epi64(_mm512_mul_epu32(_mm512_srli_epi64(mag, 32), odd_m), odd_half);
    __m512i r = _mm512_mask_blend_epi32(0xAAAA, _mm512_srlv_epi64(pe, even_shift),
                                        _mm512_slli_epi64(_mm512_srlv_epi64(po, odd_shift), 32));
    if (!kFloorsNegatives) r = _mm512_mask_sub_epi32(r, _mm512_cmplt_epi32_mask(v, zero), zero, r);
    r = _mm512_min_epi32(_mm512_max_epi32(_mm512_add_epi32(r, zy), lo), hi);
    __m128i b = _mm512_cvtepi32_epi8(r);
    asm("" : "+x"(b));  // a register vpmovdb: GCC would fold the store into its memory form, microcoded on Zen 4
    return b;
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

// Sixteen outputs' bytes (res[i]: output f + i, one channel a byte; count of
// them real) into the n channels' planes.
RKNNC_TARGET_LANES void store_out(__m128i res[16], int64_t count, int64_t n, int64_t out, int64_t f, int8_t* y) {
  transpose_bytes16(res);
  const auto mask = static_cast<__mmask16>(count == 16 ? 0xFFFF : (1u << count) - 1);
  for (int64_t c = 0; c < n; ++c) {
    if (count == 16) _mm_storeu_si128(reinterpret_cast<__m128i*>(y + c * out + f), res[c]);  // masked stores are slow on Zen 4
    else _mm_mask_storeu_epi8(y + c * out + f, mask, res[c]);
  }
}

// Outputs sixteen channels a vector collect here and go to the planes
// sixteen outputs at a time.
struct LaneOutputs {
  __m128i res[16];
  int64_t f = 0, count = 0;  // the first output held, how many are held
  RKNNC_TARGET_LANES void add(__m128i b, int64_t n, int64_t out, int8_t* y) {
    res[count++] = b;
    if (count < 16) return;
    store_out(res, 16, n, out, f, y);
    f += 16, count = 0;
  }
  RKNNC_TARGET_LANES void flush(int64_t n, int64_t out, int8_t* y) {
    if (!count) return;
    std::fill(res + count, res + 16, _mm_setzero_si128());
    store_out(res, count, n, out, f, y);
  }
};

// kRun neighbouring outputs of a row (their first taps' pixels `step` bytes
// apart): per kernel row and quad, the quads of their taps (64 bytes from
// the tap's pixel, vpermb'd to a channel a dword) against the channels'
// weight quads; independent sums, so their latencies overlap.
template <int kRun, bool kFloorsNegatives>
RKNNC_TARGET_LANES inline void lane_run(const uint8_t* at, int64_t step, int64_t row_step, int64_t kh, int64_t groups,
                                        const int32_t* weights, __m512i start, const LaneRequant& rq,
                                        LaneOutputs& outs, int64_t n, int64_t out, int8_t* y) {
  alignas(64) static constexpr uint8_t kQuadOfChannel[64] = {
      0,  16, 32, 48, 1,  17, 33, 49, 2,  18, 34, 50, 3,  19, 35, 51, 4,  20, 36, 52, 5,  21,
      37, 53, 6,  22, 38, 54, 7,  23, 39, 55, 8,  24, 40, 56, 9,  25, 41, 57, 10, 26, 42, 58,
      11, 27, 43, 59, 12, 28, 44, 60, 13, 29, 45, 61, 14, 30, 46, 62, 15, 31, 47, 63};
  const __m512i quads = _mm512_load_si512(kQuadOfChannel);
  __m512i acc[kRun];
  for (auto& a : acc) a = start;
  for (int64_t r = 0; r < kh; ++r, at += row_step)
    for (int64_t g = 0; g < groups; ++g) {
      const __m512i wq = _mm512_loadu_si512(weights + (r * groups + g) * 16);
#pragma GCC unroll 4
      for (int i = 0; i < kRun; ++i)
        acc[i] = _mm512_dpbusd_epi32(acc[i], _mm512_permutexvar_epi8(quads, _mm512_loadu_si512(at + i * step + 64 * g)),
                                     wq);
    }
#pragma GCC unroll 4
  for (int i = 0; i < kRun; ++i) outs.add(rq.bytes<kFloorsNegatives>(acc[i]), n, out, y);
}

// Every output of the sixteen channels, row by row in runs of four.
template <bool kFloorsNegatives>
RKNNC_TARGET_LANES void lane_outputs(const uint8_t* image, int64_t pitch, const Window& w, const int32_t* weights,
                                     int64_t groups, __m512i start, const LaneRequant& rq, int64_t n, int8_t* y) {
  const int64_t out = w.out_size(), kh = w.kernel[1], row_step = w.dilation[1] * pitch * 16, step = w.stride[2] * 16;
  LaneOutputs outs;
  for (int64_t oh = 0; oh < w.out[1]; ++oh) {
    const uint8_t* row = image + oh * w.stride[1] * pitch * 16;
    int64_t ow = 0;
    for (; ow + 4 <= w.out[2]; ow += 4)
      lane_run<4, kFloorsNegatives>(row + ow * step, step, row_step, kh, groups, weights, start, rq, outs, n, out, y);
    for (; ow < w.out[2]; ++ow)
      lane_run<1, kFloorsNegatives>(row + ow * step, step, row_step, kh, groups, weights, start, rq, outs, n, out, y);
  }
  outs.flush(n, out, y);
}

RKNNC_TARGET_LANES void run_lanes(const int8_t* x, int32_t zx, const int8_t* w, const Window& win,
                                  const RequantPlan& plan, int8_t* y, int64_t c0, int64_t n) {
  const int64_t kh = win.kernel[1], kw = win.kernel[2], taps = kh * kw, groups = (kw + 3) / 4;
  const int64_t in = win.in_size(), out = win.out_size();
  if (out == 0) return;
  // Padded rows and columns the outputs read (a quad of taps reads four pixels).
  const int64_t rows = (win.out[1] - 1) * win.stride[1] + (kh - 1) * win.dilation[1] + 1;
  const int64_t pitch = (win.out[2] - 1) * win.stride[2] + 4 * groups;
  thread_local std::vector<uint8_t, UninitAllocator<uint8_t>> image;
  grow_to(image, static_cast<size_t>(rows * pitch * 16));
  std::memset(image.data(), zx + 128, static_cast<size_t>(rows * pitch * 16));
  copy_in(x + c0 * in, in, n, win, rows, pitch, image.data());

  // Per kernel row and quad: the sixteen channels' weight quads; the sums
  // start at -(zx + 128)·Σw (u = x + 128: Σ w·(x - zx) = Σ w·u - (zx + 128)·Σ w).
  alignas(64) int32_t start[16] = {};
  thread_local std::vector<int32_t> quads, table;
  quads.assign(static_cast<size_t>(kh * groups), 0);
  table.assign(static_cast<size_t>(kh * groups * 16), 0);
  for (int64_t l = 0; l < n; ++l) {
    const int8_t* wc = w + (c0 + l) * taps;
    pack_tap_groups(wc, kh, kw, 4, quads.data());
    for (size_t q = 0; q < quads.size(); ++q) table[q * 16 + static_cast<size_t>(l)] = quads[q];
    start[l] = -(zx + 128) * std::accumulate(wc, wc + taps, int32_t{0});
  }
  const LaneRequant rq(plan, c0, n);
  const __m512i first = _mm512_load_si512(start);
  int8_t* yc = y + c0 * out;
  if (rq.floors_negatives)
    lane_outputs<true>(image.data(), pitch, win, table.data(), groups, first, rq, n, yc);
  else
    lane_outputs<false>(image.data(), pitch, win, table.data(), groups, first, rq, n, yc);
}

#pragma GCC diagnostic pop
#endif

}  // namespace

bool lanes_depthwise_fits(const Window& w, int32_t zx) {
  const CpuFeatures& f = cpu_features();
  return f.avx512_vnni && f.avx512_vbmi && w.in_size() <= kLanePlaneLimit && w.in[0] == 1 && w.out[0] == 1 && w.kernel[0] == 1 && w.pad_begin[0] == 0 &&
         w.dilation[2] == 1 && zx >= -128 && zx <= 127;
}

void qdepthwise_lanes(const int8_t* x, int32_t zx, const int8_t* w, const Window& win, const RequantPlan& plan,
                      int8_t* y, int64_t c0, int64_t n) {
#if defined(__x86_64__)
  run_lanes(x, zx, w, win, plan, y, c0, n);
#else
  (void)x, (void)zx, (void)w, (void)win, (void)plan, (void)y, (void)c0, (void)n;
  fail("the AVX-512 VNNI depthwise loop was called on a CPU without it");
#endif
}

}  // namespace rknnc::runtime::kernels
