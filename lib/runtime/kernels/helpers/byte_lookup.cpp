#include "runtime/kernels/helpers/byte_lookup.h"

#include "runtime/cpu_features.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include "util/avx512_diagnostics.h"
#endif

namespace rknnc::runtime::kernels {
namespace {

#if defined(__x86_64__)
RKNNC_AVX512_DIAGNOSTICS_BEGIN

// Whole steps of 64; returns how many bytes it did.
__attribute__((target("avx512f,avx512bw,avx512vbmi"))) int64_t lookup_vbmi(const int8_t* table, const int8_t* x,
                                                                          int8_t* y, int64_t n) {
  const __m512i t0 = _mm512_loadu_si512(table), t1 = _mm512_loadu_si512(table + 64);
  const __m512i t2 = _mm512_loadu_si512(table + 128), t3 = _mm512_loadu_si512(table + 192);
  const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
  int64_t i = 0;
  for (; i + 64 <= n; i += 64) {
    const __m512i u = _mm512_xor_si512(_mm512_loadu_si512(x + i), flip);  // x + 128: the table index
    const __m512i low = _mm512_permutex2var_epi8(t0, u, t1), high = _mm512_permutex2var_epi8(t2, u, t3);
    _mm512_storeu_si512(y + i, _mm512_mask_blend_epi8(_mm512_movepi8_mask(u), low, high));
  }
  return i;
}

RKNNC_AVX512_DIAGNOSTICS_END
#endif

}  // namespace

void lookup_byte_row(const int8_t* table, const int8_t* x, int8_t* y, int64_t n) {
  int64_t i = 0;
#if defined(__x86_64__)
  if (cpu_features().avx512_vbmi) i = lookup_vbmi(table, x, y, n);
#endif
  for (; i < n; ++i) y[i] = table[x[i] + 128];
}

}  // namespace rknnc::runtime::kernels
