#include <immintrin.h>

#include "runtime/kernels/helpers/sgemm_tiles.h"

namespace rknnc::runtime::kernels {
namespace {

// 6 x 8V: up to twelve ymm accumulators, V B vectors and one broadcast.
template <int V>
__attribute__((target("avx2,fma"))) void tile_avx2(int64_t kc, const float* a, int64_t ars, int64_t aps, const float* b,
                                              int64_t ldb, float* c, int64_t ldc) {
  __m256 acc[6][V];
#pragma GCC unroll 6
  for (int r = 0; r < 6; ++r)
#pragma GCC unroll 2
    for (int v = 0; v < V; ++v) acc[r][v] = _mm256_loadu_ps(c + r * ldc + 8 * v);
  for (int64_t p = 0; p < kc; ++p, a += aps, b += ldb) {
    __m256 bv[V];
#pragma GCC unroll 2
    for (int v = 0; v < V; ++v) bv[v] = _mm256_loadu_ps(b + 8 * v);
#pragma GCC unroll 6
    for (int r = 0; r < 6; ++r) {
      const __m256 av = _mm256_broadcast_ss(a + r * ars);
#pragma GCC unroll 2
      for (int v = 0; v < V; ++v) acc[r][v] = _mm256_fmadd_ps(av, bv[v], acc[r][v]);
    }
  }
#pragma GCC unroll 6
  for (int r = 0; r < 6; ++r)
#pragma GCC unroll 2
    for (int v = 0; v < V; ++v) _mm256_storeu_ps(c + r * ldc + 8 * v, acc[r][v]);
}

}  // namespace

const TileFn kAvx2Tiles[4] = {nullptr, tile_avx2<1>, tile_avx2<2>, nullptr};

}  // namespace rknnc::runtime::kernels
