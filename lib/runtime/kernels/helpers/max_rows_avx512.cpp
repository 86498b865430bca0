#include <immintrin.h>

#include "runtime/kernels/helpers/max_rows.h"

namespace rknnc::runtime::kernels {

// maxps(a, b) is a > b ? a : b per lane, b on a tie or a NaN. (GCC 12's
// unmasked max reads an unset register, -Wmaybe-uninitialized: the
// all-lanes masked form is the same instruction.)
__attribute__((target("avx512f"))) void max_row_f32_avx512(const float* x, int64_t stride, float* y, int64_t n) {
  if (stride != 1) return max_row_scalar(x, stride, y, n);
  int64_t o = 0;
  for (; o + 16 <= n; o += 16)
    _mm512_storeu_ps(y + o, _mm512_maskz_max_ps(0xFFFF, _mm512_loadu_ps(x + o), _mm512_loadu_ps(y + o)));
  if (o < n) {
    const __mmask16 m = static_cast<__mmask16>((1u << (n - o)) - 1);
    _mm512_mask_storeu_ps(y + o, m, _mm512_maskz_max_ps(m, _mm512_maskz_loadu_ps(m, x + o), _mm512_maskz_loadu_ps(m, y + o)));
  }
}

}  // namespace rknnc::runtime::kernels
