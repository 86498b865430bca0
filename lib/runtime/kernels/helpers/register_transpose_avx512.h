#pragma once
// In-register transposes of 16 x 16 float blocks (AVX-512F), shared by the
// depthwise pixel-major copies and the strided transpose. Include only from
// files compiled for AVX-512 callers (the functions carry target attributes).
#include <immintrin.h>

#include <cstdint>

namespace rknnc::runtime::kernels {

// GCC 12's unmasked unpack / shuffle_f32x4 intrinsics read an unset register
// (-Wmaybe-uninitialized); the all-lanes masked forms compile to the same instructions.
constexpr __mmask16 kAllLanes16 = 0xFFFF;

// r[i][j] -> r[j][i] for a 16 x 16 block in registers: pairs, then quads
// inside 128-bit lanes, then lanes across registers (64 shuffles, no gathers).
__attribute__((target("avx512f"))) inline void transpose16(__m512 r[16]) {
  __m512 t[16], u[16];
  for (int i = 0; i < 8; ++i) {
    t[2 * i] = _mm512_maskz_unpacklo_ps(kAllLanes16, r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm512_maskz_unpackhi_ps(kAllLanes16, r[2 * i], r[2 * i + 1]);
  }
  // u[4g + c], lane k: rows 4g..4g+3 of column 4k + c
  for (int g = 0; g < 4; ++g) {
    u[4 * g + 0] = _mm512_shuffle_ps(t[4 * g], t[4 * g + 2], 0x44);
    u[4 * g + 1] = _mm512_shuffle_ps(t[4 * g], t[4 * g + 2], 0xEE);
    u[4 * g + 2] = _mm512_shuffle_ps(t[4 * g + 1], t[4 * g + 3], 0x44);
    u[4 * g + 3] = _mm512_shuffle_ps(t[4 * g + 1], t[4 * g + 3], 0xEE);
  }
  for (int c = 0; c < 4; ++c) {
    const __m512 even_ab = _mm512_maskz_shuffle_f32x4(kAllLanes16, u[c], u[4 + c], 0x88), odd_ab = _mm512_maskz_shuffle_f32x4(kAllLanes16, u[c], u[4 + c], 0xDD);
    const __m512 even_cd = _mm512_maskz_shuffle_f32x4(kAllLanes16, u[8 + c], u[12 + c], 0x88);
    const __m512 odd_cd = _mm512_maskz_shuffle_f32x4(kAllLanes16, u[8 + c], u[12 + c], 0xDD);
    r[c] = _mm512_maskz_shuffle_f32x4(kAllLanes16, even_ab, even_cd, 0x88);
    r[4 + c] = _mm512_maskz_shuffle_f32x4(kAllLanes16, odd_ab, odd_cd, 0x88);
    r[8 + c] = _mm512_maskz_shuffle_f32x4(kAllLanes16, even_ab, even_cd, 0xDD);
    r[12 + c] = _mm512_maskz_shuffle_f32x4(kAllLanes16, odd_ab, odd_cd, 0xDD);
  }
}

__attribute__((target("avx512f"))) inline __mmask16 first_lanes16(int64_t n) {
  return n >= 16 ? __mmask16(0xFFFF) : static_cast<__mmask16>((1u << n) - 1);
}

}  // namespace rknnc::runtime::kernels
