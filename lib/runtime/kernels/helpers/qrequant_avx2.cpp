#include "runtime/kernels/helpers/qrequant_avx2.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace rknnc::runtime::kernels {
namespace {

#if defined(__x86_64__)
// A narrow channel's constants in eight lanes: round_half_away((acc + bias)
// · mantissa / 2^shift) on magnitudes, vpmuludq's exact 64-bit products of
// the even and odd lanes (requant_row's SSE2 formula, twice as wide). With
// kFloorsNegatives (the clamp's low end at or above zy) a negative sum's
// output is the low end whatever its product: it is taken as 0.
struct Requant8 {
  __m256i bias, mantissa, half, zy;
  __m128i shift;
  __attribute__((target("avx2"))) Requant8(const RequantPlan& plan, const ChannelRequant& c)
      : bias(_mm256_set1_epi32(c.bias)),
        mantissa(_mm256_set1_epi32(static_cast<int32_t>(c.mult.mantissa))),
        half(_mm256_set1_epi64x(c.mult.shift ? int64_t{1} << (c.mult.shift - 1) : 0)),
        zy(_mm256_set1_epi32(plan.zy)),
        shift(_mm_cvtsi32_si128(c.mult.shift)) {}

  template <bool kFloorsNegatives>
  __attribute__((target("avx2"))) __m256i apply(const int32_t* acc) const {
    const __m256i v = _mm256_add_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(acc)), bias);
    const __m256i mag = kFloorsNegatives ? _mm256_max_epi32(v, _mm256_setzero_si256()) : _mm256_abs_epi32(v);
    const __m256i even = _mm256_srl_epi64(_mm256_add_epi64(_mm256_mul_epu32(mag, mantissa), half), shift);
    const __m256i odd =
        _mm256_srl_epi64(_mm256_add_epi64(_mm256_mul_epu32(_mm256_srli_epi64(mag, 32), mantissa), half), shift);
    __m256i r = _mm256_or_si256(even, _mm256_slli_epi64(odd, 32));
    if (!kFloorsNegatives) r = _mm256_sign_epi32(r, v);  // -r where v < 0 (r is 0 where v is)
    return _mm256_add_epi32(r, zy);
  }
};

// Four vectors of eight a step, packed through int16 (saturating: what lies
// beyond int16 lies beyond the int8 clamp too) to bytes, clamped as bytes;
// the packs interleave the vectors by 128-bit lane, one vpermd undoes it.
template <bool kFloorsNegatives>
__attribute__((target("avx2"))) int64_t requant32_avx2(const RequantPlan& plan, const ChannelRequant& ch,
                                                       const int32_t* acc, int64_t n, int8_t* y) {
  const Requant8 rq(plan, ch);
  const __m256i lo = _mm256_set1_epi8(static_cast<char>(plan.clamp.lo)),
                hi = _mm256_set1_epi8(static_cast<char>(plan.clamp.hi));
  const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  int64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i w0 = _mm256_packs_epi32(rq.apply<kFloorsNegatives>(acc + i), rq.apply<kFloorsNegatives>(acc + i + 8));
    const __m256i w1 =
        _mm256_packs_epi32(rq.apply<kFloorsNegatives>(acc + i + 16), rq.apply<kFloorsNegatives>(acc + i + 24));
    const __m256i b = _mm256_permutevar8x32_epi32(_mm256_packs_epi16(w0, w1), order);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(y + i), _mm256_min_epi8(_mm256_max_epi8(b, lo), hi));
  }
  return i;
}
#endif

}  // namespace

void requant_row_avx2(const RequantPlan& plan, int64_t c, const int32_t* acc, int64_t n, int8_t* y) {
  int64_t done = 0;
#if defined(__x86_64__)
  const ChannelRequant& ch = plan.channel[static_cast<size_t>(c)];
  if (ch.narrow)
    done = plan.clamp.lo >= plan.zy ? requant32_avx2<true>(plan, ch, acc, n, y)
                                    : requant32_avx2<false>(plan, ch, acc, n, y);
#endif
  requant_row(plan, c, acc + done, n - done, y + done);
}

}  // namespace rknnc::runtime::kernels
