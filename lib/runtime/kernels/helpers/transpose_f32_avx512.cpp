#include <algorithm>

#include "runtime/kernels/helpers/register_transpose_avx512.h"
#include "runtime/kernels/helpers/transpose_f32.h"

namespace rknnc::runtime::kernels {

__attribute__((target("avx512f"))) void transpose_f32_avx512(const float* src, int64_t rows, int64_t cols,
                                                              int64_t lds, float* dst, int64_t ldd) {
  for (int64_t i0 = 0; i0 < rows; i0 += 16) {
    const int64_t ni = std::min<int64_t>(16, rows - i0);
    const __mmask16 row_lanes = first_lanes16(ni);
    for (int64_t j0 = 0; j0 < cols; j0 += 16) {
      const int64_t nj = std::min<int64_t>(16, cols - j0);
      const __mmask16 col_lanes = first_lanes16(nj);
      __m512 r[16];
      for (int64_t i = 0; i < 16; ++i)
        r[i] = i < ni ? _mm512_maskz_loadu_ps(col_lanes, src + (i0 + i) * lds + j0) : _mm512_setzero_ps();
      transpose16(r);
      float* d = dst + j0 * ldd + i0;
      if (ni == 16) {  // masked stores are slow on Zen 4: only for a partial block
        for (int64_t j = 0; j < nj; ++j) _mm512_storeu_ps(d + j * ldd, r[j]);
      } else {
        for (int64_t j = 0; j < nj; ++j) _mm512_mask_storeu_ps(d + j * ldd, row_lanes, r[j]);
      }
    }
  }
}

}  // namespace rknnc::runtime::kernels
