// The copy holds x - zx as int16, the padding 0, in DepthwisePhases, so the
// pair of taps (2j, 2j + 1) of output f is the int32 at value stride_w·f + 2j
// (in its phase), and one 32-byte load at stride_w·f holds the pairs of
// outputs f, f + P, ..., f + 7·P (P = 2 / stride_w): one load, one vpmaddwd
// and one vpaddd per pair of taps and 8 outputs, no shuffles in the loop;
// with P = 2 the two vectors of a run are interleaved once at the end.
// vpmaddwd's pair sums are exact (|x - zx| <= 255, |w| <= 128).
#include "runtime/kernels/helpers/qdepthwise_avx2.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "runtime/kernels/helpers/scratch.h"
#include "util/error.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace rknnc::runtime::kernels {
namespace {

constexpr int64_t kPairStep = 32;  // outputs a step: four vectors of sums

#if defined(__x86_64__)
// The int16 copy, row by row of each phase; zeros outside the input.
__attribute__((target("avx2"))) void fill_pair_phases(const int8_t* x, int32_t zx, const Window& w,
                                                      const DepthwisePhases& l, int64_t slack, int16_t* d) {
  const int64_t left = std::min(w.pad_begin[2], l.pitch), cols = std::clamp<int64_t>(w.in[2], 0, l.pitch - left);
  const __m256i z = _mm256_set1_epi16(static_cast<int16_t>(zx));
  for (int64_t p = 0; p < l.phases; ++p)
    for (int64_t i = 0; i < l.phase_rows; ++i, d += l.pitch) {
      const int64_t ih = p + i * l.phases - w.pad_begin[1];
      if (ih < 0 || ih >= w.in[1]) {
        std::fill_n(d, l.pitch, int16_t{0});
        continue;
      }
      const int8_t* s = x + ih * w.in[2];
      std::fill_n(d, left, int16_t{0});
      int64_t j = 0;
      for (; j + 16 <= cols; j += 16) {
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + j));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(d + left + j), _mm256_sub_epi16(_mm256_cvtepi8_epi16(bytes), z));
      }
      for (; j < cols; ++j) d[left + j] = static_cast<int16_t>(s[j] - zx);
      std::fill(d + left + cols, d + l.pitch, int16_t{0});
    }
  std::fill_n(d, slack, int16_t{0});
}

// out[f] for flat outputs f < n (rounded up to a step) of the pairs at
// `offsets` against the weight pairs.
template <int SW>
__attribute__((target("avx2"))) void pair_sums(const int16_t* plane, const int64_t* offsets, const int32_t* weights,
                                               int64_t pairs, int64_t n, int32_t* out) {
  constexpr int P = 2 / SW;  // outputs f, f + P, ... in one vector; P vectors a run of 8·P outputs
  for (int64_t f = 0; f < n; f += kPairStep) {
    __m256i acc[4];
    for (auto& a : acc) a = _mm256_setzero_si256();
    for (int64_t t = 0; t < pairs; ++t) {
      const __m256i wp = _mm256_set1_epi32(weights[t]);
      const int16_t* src = plane + offsets[t] + SW * f;
      for (int a = 0; a < 4; ++a) {  // vector a: run a / P, outputs a % P + P·j of it
        const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + SW * (a / P * 8 * P + a % P)));
        acc[a] = _mm256_add_epi32(acc[a], _mm256_madd_epi16(x, wp));
      }
    }
    for (int b = 0; b < 4; b += 2) {
      __m256i first = acc[b], second = acc[b + 1];
      if constexpr (P == 2) {  // interleave the two vectors of a run: per 128-bit lane, then the lanes
        const __m256i lo = _mm256_unpacklo_epi32(first, second), hi = _mm256_unpackhi_epi32(first, second);
        first = _mm256_permute2x128_si256(lo, hi, 0x20);
        second = _mm256_permute2x128_si256(lo, hi, 0x31);
      }
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + f + 8 * b), first);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + f + 8 * b + 8), second);
    }
  }
}
#endif

}  // namespace

Avx2Depthwise::Avx2Depthwise(const Window& w, int32_t zx) : win_(w), zx_(zx), layout_(w, 2) {
  // The last step starts under 32 outputs before the end and reads 16 values
  // from up to stride_w·1 + 2·(pairs - 1) past its start.
  slack_ = w.stride[2] * kPairStep + 16 + 2 * layout_.groups;
}

int64_t Avx2Depthwise::acc_size() const {
  return std::max(win_.out_size(), (layout_.outputs + kPairStep - 1) / kPairStep * kPairStep);
}

void Avx2Depthwise::sums(const int8_t* x, const int8_t* w, int32_t* acc) const {
#if defined(__x86_64__)
  const int64_t kh = win_.kernel[1], kw = win_.kernel[2], groups = layout_.groups, pairs = kh * groups;
  thread_local std::vector<int16_t, UninitAllocator<int16_t>> plane;  // fill_pair_phases writes every value
  thread_local std::vector<int32_t> weights;
  grow_to(plane, static_cast<size_t>(layout_.values() + slack_));
  grow_to(weights, static_cast<size_t>(pairs));
  pack_tap_groups(w, kh, kw, 2, weights.data());
  fill_pair_phases(x, zx_, win_, layout_, slack_, plane.data());
  const int64_t* offsets = layout_.offsets.data();
  if (win_.stride[2] == 1) pair_sums<1>(plane.data(), offsets, weights.data(), pairs, layout_.outputs, acc);
  else pair_sums<2>(plane.data(), offsets, weights.data(), pairs, layout_.outputs, acc);
  const int64_t ow = win_.out[2];
  if (layout_.per_row != ow)  // close up the rows before the channel's one requantisation pass
    for (int64_t oh = 1; oh < win_.out[1]; ++oh)
      std::memmove(acc + oh * ow, acc + oh * layout_.per_row, sizeof(int32_t) * ow);
#else
  (void)x, (void)w, (void)acc;
  fail("the AVX2 depthwise loop was called on a CPU without it");
#endif
}

}  // namespace rknnc::runtime::kernels
