#pragma once
// StoreClamp's formulas (and its rounding to float16) on a vector of 16
// results (AVX-512F), shared by the
// depthwise pixel blocks and the one-row gemm tiles; the same instructions
// and operand order as the assembly tile's clamp (sgemm_tiles_avx512.cpp),
// so +0 / -0 and NaN come out alike. Include only from files compiled for
// AVX-512 callers.
#include <immintrin.h>

#include "runtime/kernels/helpers/sgemm_tiles.h"

namespace rknnc::runtime::kernels {

// The nearest float16 of each lane, as a float (util/half.h's routines,
// NaNs included), as the assembly tile's RK_HALF.
__attribute__((target("avx512f"))) inline __m512 round_half_avx512(__m512 v) {
  constexpr __mmask16 kAll = 0xFFFF;  // GCC 12: the all-lanes masked forms (see transpose16)
  return _mm512_maskz_cvtph_ps(kAll, _mm512_maskz_cvtps_ph(kAll, v, _MM_FROUND_TO_NEAREST_INT));
}

__attribute__((target("avx512f"))) inline __m512 clamp_avx512(__m512 v, const StoreClamp& c, __m512 lo, __m512 hi) {
  constexpr __mmask16 kAll = 0xFFFF;  // GCC 12: the all-lanes masked forms (see transpose16)
  if (c.kind == StoreClamp::Kind::Relu) v = _mm512_maskz_max_ps(kAll, v, _mm512_setzero_ps());
  if (c.kind == StoreClamp::Kind::Clip) v = _mm512_maskz_min_ps(kAll, hi, _mm512_maskz_max_ps(kAll, lo, v));
  return c.to_half ? round_half_avx512(v) : v;
}

}  // namespace rknnc::runtime::kernels
