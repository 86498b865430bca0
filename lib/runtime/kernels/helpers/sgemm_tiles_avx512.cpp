#include <immintrin.h>

#include "runtime/kernels/helpers/sgemm_tiles.h"

namespace rknnc::runtime::kernels {

// 8 x 32: sixteen zmm accumulators, two B vectors, broadcasts folded into the FMAs.
__attribute__((target("avx512f,fma"))) void tile_avx512(int64_t kc, const float* a, const float* b, int64_t ldb,
                                                        float* c, int64_t ldc) {
  __m512 acc[8][2];
#pragma GCC unroll 8
  for (int r = 0; r < 8; ++r) {
    acc[r][0] = _mm512_loadu_ps(c + r * ldc);
    acc[r][1] = _mm512_loadu_ps(c + r * ldc + 16);
  }
  for (int64_t p = 0; p < kc; ++p, a += 8, b += ldb) {
    const __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
#pragma GCC unroll 8
    for (int r = 0; r < 8; ++r) {
      const __m512 av = _mm512_set1_ps(a[r]);
      acc[r][0] = _mm512_fmadd_ps(av, b0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(av, b1, acc[r][1]);
    }
  }
#pragma GCC unroll 8
  for (int r = 0; r < 8; ++r) {
    _mm512_storeu_ps(c + r * ldc, acc[r][0]);
    _mm512_storeu_ps(c + r * ldc + 16, acc[r][1]);
  }
}

}  // namespace rknnc::runtime::kernels
