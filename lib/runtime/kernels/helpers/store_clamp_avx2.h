#pragma once
// StoreClamp's formulas on a vector of 8 results (AVX2, F16C), shared by the
// AVX2 gemm tile and depthwise pixel blocks: Relu maxps(x, 0) (x > 0 ? x : 0,
// NaN and -0 included), Clip minps(hi, maxps(lo, x)) (std::min(std::max(x,
// lo), hi)), then the rounding to float16 (util/half.h's, NaNs included).
// Include only from files compiled for AVX2 callers.
#include <immintrin.h>

#include "runtime/kernels/helpers/sgemm_tiles.h"

namespace rknnc::runtime::kernels {

__attribute__((target("avx2,f16c"))) inline __m256 round_half_avx2(__m256 v) {
  return _mm256_cvtph_ps(_mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT));
}

__attribute__((target("avx2,f16c"))) inline __m256 clamp_avx2(__m256 v, const StoreClamp& c, __m256 lo, __m256 hi) {
  if (c.kind == StoreClamp::Kind::Relu) v = _mm256_max_ps(v, _mm256_setzero_ps());
  if (c.kind == StoreClamp::Kind::Clip) v = _mm256_min_ps(hi, _mm256_max_ps(lo, v));
  return c.to_half ? round_half_avx2(v) : v;
}

}  // namespace rknnc::runtime::kernels
