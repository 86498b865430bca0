#include "runtime/kernels/helpers/qrequant_avx512.h"

#include "runtime/kernels/helpers/qrequant_avx2.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include "util/avx512_diagnostics.h"
#endif

namespace rknnc::runtime::kernels {
namespace {

#if defined(__x86_64__)
RKNNC_AVX512_DIAGNOSTICS_BEGIN
// The narrowing vpmov*b stays a register instruction: GCC would fold it and
// the store into the memory form, which is microcoded (slow) on Zen 4.
inline __m128i in_register(__m128i v) {
  asm("" : "+x"(v));
  return v;
}

// (v + half + (v >> 63)) >> shift on 64-bit lanes: FixedMultiplier's
// round_shift_branchless, equal to round_shift.
__attribute__((target("avx512f"))) inline __m512i round_shift64(__m512i v, __m512i half, __m128i count, int shift) {
  if (shift == 0) return v;
  return _mm512_sra_epi64(_mm512_add_epi64(_mm512_add_epi64(v, half), _mm512_srai_epi64(v, 63)), count);
}

// A channel's multiplier, in 64-bit lanes, and its rounding shift.
struct RoundConsts {
  int shift;
  __m512i mantissa, half;
  __m128i count;
};
__attribute__((target("avx512f"))) inline RoundConsts round_consts(const FixedMultiplier& m) {
  return {m.shift, _mm512_set1_epi64(m.mantissa), _mm512_set1_epi64(m.shift ? int64_t{1} << (m.shift - 1) : 0),
          _mm_cvtsi32_si128(m.shift)};
}

// A narrow channel (acc + bias fits int32, |result| < 2^30), on magnitudes:
// round_half_away(v·M / 2^shift) is sign(v)·((|v|·M + half) >> shift), so
// vpmuludq's exact 64-bit products of the even and odd int32 lanes need no
// per-lane sign correction before the shift (as round_shift64 does), only a
// masked negation after it. |v|·M + half stays below 2^63, so for shifts of
// 32 or more its high half, shifted by shift - 32, is the result.
struct NarrowRequant {
  RoundConsts m;
  __m512i bias, zy, high_halves;
  __m128i high_count;
  // With kFloorsNegatives and a shift in [32, 54], zy·2^shift is added with
  // the half before the shift (half_zy), so the shift (arithmetic: the sum
  // may be negative) gives zy + the rounded product, one addition fewer:
  // |magnitude·M| < 2^62 and |zy·2^shift| <= 2^61 keep the sum in int64.
  bool folds_zy;
  __m512i half_zy;
  __attribute__((target("avx512f"))) NarrowRequant(const RequantPlan& plan, const ChannelRequant& ch)
      : m(round_consts(ch.mult)),
        bias(_mm512_set1_epi32(ch.bias)),
        zy(_mm512_set1_epi32(plan.zy)),
        // int32 lane 2j: the high half of even's qword j; lane 2j + 1: that of odd's
        high_halves(_mm512_setr_epi32(1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31)),
        high_count(_mm_cvtsi32_si128(m.shift >= 32 ? m.shift - 32 : 0)),
        folds_zy(m.shift >= 32 && m.shift <= 54),
        half_zy(_mm512_set1_epi64((m.shift ? int64_t{1} << (m.shift - 1) : 0) +
                                  (folds_zy ? static_cast<int64_t>(plan.zy) * (int64_t{1} << m.shift) : 0))) {}

  // zy + the rounded product of sixteen sums, unclamped. With kFloorsNegatives
  // (the clamp's low end at or above zy, as a fused Relu puts it) a negative
  // sum's output is the low end whatever its product, so it is taken as 0:
  // no sign to restore.
  template <bool kFloorsNegatives, bool kBias = true>
  __attribute__((target("avx512f"))) __m512i apply(__m512i acc) const {
    const __m512i v = kBias ? _mm512_add_epi32(acc, bias) : acc;
    const __m512i zero = _mm512_setzero_si512();
    if (kFloorsNegatives && folds_zy) {
      const __m512i mag = _mm512_max_epi32(v, zero);
      const __m512i pe = _mm512_add_epi64(_mm512_mul_epu32(mag, m.mantissa), half_zy);
      const __m512i po = _mm512_add_epi64(_mm512_mul_epu32(_mm512_srli_epi64(mag, 32), m.mantissa), half_zy);
      return _mm512_sra_epi32(_mm512_permutex2var_epi32(pe, high_halves, po), high_count);
    }
    // |INT32_MIN| is 2^31 read unsigned
    const __m512i mag = kFloorsNegatives ? _mm512_max_epi32(v, zero) : _mm512_abs_epi32(v);
    const __m512i pe = _mm512_add_epi64(_mm512_mul_epu32(mag, m.mantissa), m.half);
    const __m512i po = _mm512_add_epi64(_mm512_mul_epu32(_mm512_srli_epi64(mag, 32), m.mantissa), m.half);
    __m512i r;
    if (m.shift >= 32)  // x >> shift is (x >> 32) >> (shift - 32): the high halves, then one 32-bit shift
      r = _mm512_srl_epi32(_mm512_permutex2var_epi32(pe, high_halves, po), high_count);
    else
      r = _mm512_mask_blend_epi32(0xAAAA, _mm512_srl_epi64(pe, m.count),
                                  _mm512_slli_epi64(_mm512_srl_epi64(po, m.count), 32));
    if (!kFloorsNegatives) r = _mm512_mask_sub_epi32(r, _mm512_cmplt_epi32_mask(v, zero), zero, r);
    return _mm512_add_epi32(r, zy);
  }
};

// Sixty-four outputs a step are narrowed by two rounds of saturating packs
// (int32 -> int16 -> int8, two cheap instructions for four vpmovdb) and then
// clamped as bytes: the clamp lies within int8, so saturating first changes
// nothing. The packs interleave the four vectors by 128-bit lane; one vpermd
// puts them back in order.
template <bool kFloorsNegatives, bool kBias>
__attribute__((target("avx512f,avx512bw,avx512vl"))) void requant_narrow_avx512(const RequantPlan& plan,
                                                                               const ChannelRequant& ch,
                                                                               const int32_t* acc, int64_t n,
                                                                               int8_t* y) {
  const NarrowRequant rq(plan, ch);
  const __m512i lo8 = _mm512_set1_epi8(static_cast<char>(plan.clamp.lo)),
                hi8 = _mm512_set1_epi8(static_cast<char>(plan.clamp.hi));
  const __m512i lane_order = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
  int64_t i = 0;
  for (; i + 64 <= n; i += 64) {
    const __m512i* a = reinterpret_cast<const __m512i*>(acc + i);
    const __m512i r0 = rq.apply<kFloorsNegatives, kBias>(_mm512_loadu_si512(a)),
                  r1 = rq.apply<kFloorsNegatives, kBias>(_mm512_loadu_si512(a + 1)),
                  r2 = rq.apply<kFloorsNegatives, kBias>(_mm512_loadu_si512(a + 2)),
                  r3 = rq.apply<kFloorsNegatives, kBias>(_mm512_loadu_si512(a + 3));
    const __m512i w0 = _mm512_packs_epi32(r0, r1), w1 = _mm512_packs_epi32(r2, r3);
    const __m512i b = _mm512_permutexvar_epi32(lane_order, _mm512_packs_epi16(w0, w1));
    _mm512_storeu_si512(y + i, _mm512_min_epi8(_mm512_max_epi8(b, lo8), hi8));
  }
  const __m512i lo = _mm512_set1_epi32(plan.clamp.lo), hi = _mm512_set1_epi32(plan.clamp.hi);
  for (; i < n; i += 16) {
    const __mmask16 k = static_cast<__mmask16>(n - i >= 16 ? 0xFFFF : (1u << (n - i)) - 1);
    const __m512i v = rq.apply<kFloorsNegatives, kBias>(_mm512_maskz_loadu_epi32(k, acc + i));
    const __m512i r = _mm512_min_epi32(_mm512_max_epi32(v, lo), hi);
    const __m128i bytes = in_register(_mm512_cvtepi32_epi8(r));
    if (n - i >= 16) _mm_storeu_si128(reinterpret_cast<__m128i*>(y + i), bytes);  // masked stores are slow on Zen 4
    else _mm_mask_storeu_epi8(y + i, k, bytes);
  }
}

// |acc + bias| < 2^32 and mantissa < 2^31, so vpmullq's low 64 bits are the
// exact product.
__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl"))) void requant_row_avx512(
    const RequantPlan& plan, int64_t c, const int32_t* acc, int64_t n, int8_t* y) {
  const ChannelRequant& ch = plan.channel[static_cast<size_t>(c)];
  if (ch.narrow) {
    const bool floors = plan.clamp.lo >= plan.zy;
    if (ch.bias == 0)  // folded into the sums (fold_narrow_biases), or none
      return floors ? requant_narrow_avx512<true, false>(plan, ch, acc, n, y)
                    : requant_narrow_avx512<false, false>(plan, ch, acc, n, y);
    return floors ? requant_narrow_avx512<true, true>(plan, ch, acc, n, y)
                  : requant_narrow_avx512<false, true>(plan, ch, acc, n, y);
  }
  const RoundConsts m = round_consts(ch.mult);
  const __m512i bias = _mm512_set1_epi64(ch.bias), zy = _mm512_set1_epi64(plan.zy),
                lo = _mm512_set1_epi64(plan.clamp.lo), hi = _mm512_set1_epi64(plan.clamp.hi);
  int64_t i = 0;
  for (; i < n; i += 8) {
    const __mmask8 k = static_cast<__mmask8>(n - i >= 8 ? 0xFF : (1u << (n - i)) - 1);
    const __m256i a = _mm256_maskz_loadu_epi32(k, acc + i);
    const __m512i v = _mm512_mullo_epi64(_mm512_add_epi64(_mm512_cvtepi32_epi64(a), bias), m.mantissa);
    __m512i r = round_shift64(v, m.half, m.count, m.shift);
    r = _mm512_min_epi64(_mm512_max_epi64(_mm512_add_epi64(r, zy), lo), hi);
    const __m128i bytes = in_register(_mm512_cvtepi64_epi8(r));
    if (n - i >= 8) _mm_storel_epi64(reinterpret_cast<__m128i*>(y + i), bytes);
    else _mm_mask_storeu_epi8(y + i, k, bytes);
  }
}
RKNNC_AVX512_DIAGNOSTICS_END
#endif

}  // namespace

void requant_row_on(QuadIsa isa, const RequantPlan& plan, int64_t c, const int32_t* acc, int64_t n, int8_t* y) {
#if defined(__x86_64__)
  if (isa == QuadIsa::Vnni) return requant_row_avx512(plan, c, acc, n, y);
  if (isa == QuadIsa::Avx2) return requant_row_avx2(plan, c, acc, n, y);
#endif
  requant_row(plan, c, acc, n, y);
}

}  // namespace rknnc::runtime::kernels
