#include <immintrin.h>

#include "runtime/kernels/helpers/sgemm_tiles.h"
#include "runtime/kernels/helpers/store_clamp_avx2.h"

namespace rknnc::runtime::kernels {
namespace {

// 6 x 8V: up to twelve ymm accumulators, V B vectors and one broadcast.
template <int V, bool kOffsets>
__attribute__((target("avx2,fma,f16c"))) void tile_avx2(int64_t kc, const float* a, int64_t ars, int64_t aps,
                                                        const float* b, int64_t ldb, const int64_t* boff, float* c,
                                                        int64_t ldc, const TileEdges& e) {
  __m256 acc[6][V];
#pragma GCC unroll 6
  for (int r = 0; r < 6; ++r)
#pragma GCC unroll 2
    for (int v = 0; v < V; ++v)
      acc[r][v] = e.from_bias ? _mm256_set1_ps(e.bias ? e.bias[r] : 0.0f) : _mm256_loadu_ps(c + r * ldc + 8 * v);
  for (int64_t p = 0; p < kc; ++p, a += aps) {
    const float* row = kOffsets ? b + boff[p] : b + p * ldb;
    __m256 bv[V];
#pragma GCC unroll 2
    for (int v = 0; v < V; ++v) bv[v] = _mm256_loadu_ps(row + 8 * v);
#pragma GCC unroll 6
    for (int r = 0; r < 6; ++r) {
      const __m256 av = _mm256_broadcast_ss(a + r * ars);
#pragma GCC unroll 2
      for (int v = 0; v < V; ++v) acc[r][v] = _mm256_fmadd_ps(av, bv[v], acc[r][v]);
    }
  }
  if (e.clamp.kind != StoreClamp::Kind::None || e.clamp.to_half) {
    const __m256 lo = _mm256_set1_ps(e.clamp.lo), hi = _mm256_set1_ps(e.clamp.hi);
    for (int r = 0; r < 6; ++r)
      for (int v = 0; v < V; ++v) acc[r][v] = clamp_avx2(acc[r][v], e.clamp, lo, hi);
  }
#pragma GCC unroll 6
  for (int r = 0; r < 6; ++r)
#pragma GCC unroll 2
    for (int v = 0; v < V; ++v) _mm256_storeu_ps(c + r * ldc + 8 * v, acc[r][v]);
}

}  // namespace

const TileFn kAvx2Tiles[4] = {nullptr, tile_avx2<1, false>, tile_avx2<2, false>, nullptr};
const TileFn kAvx2OffsetTiles[4] = {nullptr, tile_avx2<1, true>, tile_avx2<2, true>, nullptr};

}  // namespace rknnc::runtime::kernels
