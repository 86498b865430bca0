#include <immintrin.h>

#include "runtime/kernels/helpers/sgemm_tiles.h"

namespace rknnc::runtime::kernels {

// 8 x 48: twenty-four zmm accumulators, three B vectors, one broadcast.
__attribute__((target("avx512f,fma"))) void tile_avx512(int64_t kc, const float* a, const float* b, int64_t ldb,
                                                        float* c, int64_t ldc) {
  __m512 acc[8][3];
#pragma GCC unroll 8
  for (int r = 0; r < 8; ++r)
#pragma GCC unroll 3
    for (int v = 0; v < 3; ++v) acc[r][v] = _mm512_loadu_ps(c + r * ldc + 16 * v);
  for (int64_t p = 0; p < kc; ++p, a += 8, b += ldb) {
    const __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16), b2 = _mm512_loadu_ps(b + 32);
#pragma GCC unroll 8
    for (int r = 0; r < 8; ++r) {
      const __m512 av = _mm512_set1_ps(a[r]);
      acc[r][0] = _mm512_fmadd_ps(av, b0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(av, b1, acc[r][1]);
      acc[r][2] = _mm512_fmadd_ps(av, b2, acc[r][2]);
    }
  }
#pragma GCC unroll 8
  for (int r = 0; r < 8; ++r)
#pragma GCC unroll 3
    for (int v = 0; v < 3; ++v) _mm512_storeu_ps(c + r * ldc + 16 * v, acc[r][v]);
}

}  // namespace rknnc::runtime::kernels
