#pragma once
// In-register transposes of 8 x 8 float blocks (AVX2), shared by the
// depthwise pixel-major copies and the strided transpose. Include only from
// files compiled for AVX2 callers (the functions carry target attributes).
#include <immintrin.h>

#include <cstdint>

namespace rknnc::runtime::kernels {

// r[i][j] -> r[j][i] for an 8 x 8 block in registers: pairs, then quads
// inside 128-bit lanes, then the lanes of two registers (24 shuffles, no gathers).
__attribute__((target("avx2"))) inline void transpose8(__m256 r[8]) {
  __m256 t[8], u[8];
  for (int i = 0; i < 4; ++i) {
    t[2 * i] = _mm256_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm256_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  // u[4g + c], lane k: rows 4g..4g+3 of column 4k + c
  for (int g = 0; g < 2; ++g) {
    u[4 * g + 0] = _mm256_shuffle_ps(t[4 * g], t[4 * g + 2], 0x44);
    u[4 * g + 1] = _mm256_shuffle_ps(t[4 * g], t[4 * g + 2], 0xEE);
    u[4 * g + 2] = _mm256_shuffle_ps(t[4 * g + 1], t[4 * g + 3], 0x44);
    u[4 * g + 3] = _mm256_shuffle_ps(t[4 * g + 1], t[4 * g + 3], 0xEE);
  }
  for (int c = 0; c < 4; ++c) {
    r[c] = _mm256_permute2f128_ps(u[c], u[4 + c], 0x20);
    r[4 + c] = _mm256_permute2f128_ps(u[c], u[4 + c], 0x31);
  }
}

// Lanes below n set (the mask of maskload / maskstore).
__attribute__((target("avx2"))) inline __m256i first_lanes8(int64_t n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

}  // namespace rknnc::runtime::kernels
