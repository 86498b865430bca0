#pragma once
// Eight int64 sums of a quantised element-wise op to int8 on AVX-512, as the
// scalar path does them: FixedMultiplier::round_shift_branchless, + zy, then
// clamped to [lo, hi] (an OutputClamp, or [-128, 127]).
#include <cstdint>

namespace rknnc::runtime::kernels {

// The rounding shift, output zero point and clamp of a step.
struct Q8Lanes {
  int shift;
  int32_t zy, lo, hi;
};

}  // namespace rknnc::runtime::kernels

#if defined(__x86_64__)
#include <immintrin.h>
#include "util/avx512_diagnostics.h"

#define RKNNC_TARGET_Q8_LANES __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl")))

namespace rknnc::runtime::kernels {

RKNNC_AVX512_DIAGNOSTICS_BEGIN

RKNNC_TARGET_Q8_LANES inline void store_q8_lanes(const Q8Lanes& k, __m512i sum, int8_t* y) {
  __m512i r = sum;
  if (k.shift) {
    const __m512i half = _mm512_set1_epi64(int64_t{1} << (k.shift - 1));
    r = _mm512_sra_epi64(_mm512_add_epi64(_mm512_add_epi64(sum, half), _mm512_srai_epi64(sum, 63)),
                         _mm_cvtsi32_si128(k.shift));
  }
  r = _mm512_min_epi64(_mm512_max_epi64(_mm512_add_epi64(r, _mm512_set1_epi64(k.zy)), _mm512_set1_epi64(k.lo)),
                       _mm512_set1_epi64(k.hi));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(y), _mm512_cvtepi64_epi8(r));
}

// Eight int8 values minus a zero point, in int64 lanes.
RKNNC_TARGET_Q8_LANES inline __m512i load_q8_lanes(const int8_t* x, int32_t z) {
  return _mm512_sub_epi64(_mm512_cvtepi8_epi64(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(x))),
                          _mm512_set1_epi64(z));
}

RKNNC_AVX512_DIAGNOSTICS_END

}  // namespace rknnc::runtime::kernels
#endif
