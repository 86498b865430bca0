#include "runtime/kernels/helpers/qgemm.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace rknnc::runtime::kernels {
namespace {

// Four dot products of a[0..3] with one b row. SSE2's pmaddwd multiplies
// eight int16 pairs and adds adjacent products into four int32 lanes; products
// of values within ±255 never overflow.
void dot4(const int16_t* a0, const int16_t* a1, const int16_t* a2, const int16_t* a3, const int16_t* b, int64_t k_len,
          int32_t out[4]) {
  int64_t k = 0;
  int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
#if defined(__SSE2__)
  __m128i v0 = _mm_setzero_si128(), v1 = v0, v2 = v0, v3 = v0;
  for (; k + 8 <= k_len; k += 8) {
    const __m128i vb = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + k));
    v0 = _mm_add_epi32(v0, _mm_madd_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a0 + k)), vb));
    v1 = _mm_add_epi32(v1, _mm_madd_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a1 + k)), vb));
    v2 = _mm_add_epi32(v2, _mm_madd_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a2 + k)), vb));
    v3 = _mm_add_epi32(v3, _mm_madd_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a3 + k)), vb));
  }
  alignas(16) int32_t lanes[4][4];
  _mm_store_si128(reinterpret_cast<__m128i*>(lanes[0]), v0);
  _mm_store_si128(reinterpret_cast<__m128i*>(lanes[1]), v1);
  _mm_store_si128(reinterpret_cast<__m128i*>(lanes[2]), v2);
  _mm_store_si128(reinterpret_cast<__m128i*>(lanes[3]), v3);
  s0 = lanes[0][0] + lanes[0][1] + lanes[0][2] + lanes[0][3];
  s1 = lanes[1][0] + lanes[1][1] + lanes[1][2] + lanes[1][3];
  s2 = lanes[2][0] + lanes[2][1] + lanes[2][2] + lanes[2][3];
  s3 = lanes[3][0] + lanes[3][1] + lanes[3][2] + lanes[3][3];
#endif
  for (; k < k_len; ++k) {
    const int32_t vb = b[k];
    s0 += a0[k] * vb;
    s1 += a1[k] * vb;
    s2 += a2[k] * vb;
    s3 += a3[k] * vb;
  }
  out[0] = s0, out[1] = s1, out[2] = s2, out[3] = s3;
}

}  // namespace

void qgemm_nt(const int16_t* a, int64_t m, const int16_t* b, int64_t n, int64_t k_len, int32_t* acc, ThreadPool* pool) {
  auto body = [&](int64_t jb, int64_t je) {
    int32_t out[4];
    for (int64_t j = jb; j < je; ++j) {
      const int16_t* bj = b + j * k_len;
      for (int64_t i = 0; i < m; i += 4) {
        const int16_t* rows[4];
        for (int r = 0; r < 4; ++r) rows[r] = a + (i + r < m ? i + r : i) * k_len;  // pad with row i
        dot4(rows[0], rows[1], rows[2], rows[3], bj, k_len, out);
        for (int r = 0; r < 4 && i + r < m; ++r) acc[(i + r) * n + j] = out[r];
      }
    }
  };
  if (pool)
    pool->parallel_for(n, m * k_len, body);
  else
    body(0, n);
}

}  // namespace rknnc::runtime::kernels
