#include <algorithm>

#include "runtime/kernels/helpers/register_transpose_avx2.h"
#include "runtime/kernels/helpers/transpose_f32.h"

namespace rknnc::runtime::kernels {

__attribute__((target("avx2"))) void transpose_f32_avx2(const float* src, int64_t rows, int64_t cols, int64_t lds,
                                                         float* dst, int64_t ldd) {
  for (int64_t i0 = 0; i0 < rows; i0 += 8) {
    const int64_t ni = std::min<int64_t>(8, rows - i0);
    const __m256i row_lanes = first_lanes8(ni);
    for (int64_t j0 = 0; j0 < cols; j0 += 8) {
      const int64_t nj = std::min<int64_t>(8, cols - j0);
      const __m256i col_lanes = first_lanes8(nj);
      __m256 r[8];
      for (int64_t i = 0; i < 8; ++i) {
        const float* s = src + (i0 + i) * lds + j0;
        r[i] = i >= ni ? _mm256_setzero_ps() : nj == 8 ? _mm256_loadu_ps(s) : _mm256_maskload_ps(s, col_lanes);
      }
      transpose8(r);
      float* d = dst + j0 * ldd + i0;
      if (ni == 8) {  // vmaskmovps stores are slow (microcoded on AMD): only for a partial block
        for (int64_t j = 0; j < nj; ++j) _mm256_storeu_ps(d + j * ldd, r[j]);
      } else {
        for (int64_t j = 0; j < nj; ++j) _mm256_maskstore_ps(d + j * ldd, row_lanes, r[j]);
      }
    }
  }
}

}  // namespace rknnc::runtime::kernels
