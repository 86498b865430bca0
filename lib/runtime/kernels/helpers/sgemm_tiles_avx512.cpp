#include <immintrin.h>

#include "runtime/kernels/helpers/sgemm_tiles.h"

namespace rknnc::runtime::kernels {
namespace {

// 8 x 16V: up to twenty-four zmm accumulators, V B vectors, one broadcast.
template <int V>
__attribute__((target("avx512f,fma"))) void tile_avx512(int64_t kc, const float* a, int64_t ars, int64_t aps,
                                                 const float* b, int64_t ldb, float* c, int64_t ldc) {
  __m512 acc[8][V];
#pragma GCC unroll 8
  for (int r = 0; r < 8; ++r)
#pragma GCC unroll 3
    for (int v = 0; v < V; ++v) acc[r][v] = _mm512_loadu_ps(c + r * ldc + 16 * v);
  for (int64_t p = 0; p < kc; ++p, a += aps, b += ldb) {
    __m512 bv[V];
#pragma GCC unroll 3
    for (int v = 0; v < V; ++v) bv[v] = _mm512_loadu_ps(b + 16 * v);
#pragma GCC unroll 8
    for (int r = 0; r < 8; ++r) {
      const __m512 av = _mm512_set1_ps(a[r * ars]);
#pragma GCC unroll 3
      for (int v = 0; v < V; ++v) acc[r][v] = _mm512_fmadd_ps(av, bv[v], acc[r][v]);
    }
  }
#pragma GCC unroll 8
  for (int r = 0; r < 8; ++r)
#pragma GCC unroll 3
    for (int v = 0; v < V; ++v) _mm512_storeu_ps(c + r * ldc + 16 * v, acc[r][v]);
}

}  // namespace

const TileFn kAvx512Tiles[4] = {nullptr, tile_avx512<1>, tile_avx512<2>, tile_avx512<3>};

}  // namespace rknnc::runtime::kernels
