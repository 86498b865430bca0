#pragma once
// A 16 x 16 byte transpose in SSE2 registers: four rounds of interleaving row
// i with row i + 8 (a perfect shuffle) turn rows into columns. Used where
// 16 channels x 16 pixels of int8 change sides (NC1HWC2 packing, the int8
// depthwise loop with channels in the lanes).
#if defined(__SSE2__)
#include <emmintrin.h>

#include <algorithm>

namespace rknnc {

inline void transpose_bytes16(__m128i r[16]) {
  __m128i t[16];
  for (int round = 0; round < 4; ++round) {
    for (int i = 0; i < 8; ++i) {
      t[2 * i] = _mm_unpacklo_epi8(r[i], r[i + 8]);
      t[2 * i + 1] = _mm_unpackhi_epi8(r[i], r[i + 8]);
    }
    std::copy(t, t + 16, r);
  }
}

}  // namespace rknnc
#endif
