#include <immintrin.h>

#include "runtime/kernels/helpers/sgemm_tiles.h"

namespace rknnc::runtime::kernels {
namespace {

// GCC 12's unmasked max / min intrinsics read an unset register
// (-Wmaybe-uninitialized); the all-lanes masked forms are the same instructions.
constexpr __mmask16 kAllLanes = 0xFFFF;

// 8 x 16V: up to twenty-four zmm accumulators, V B vectors, one broadcast.
template <int V, bool kOffsets>
__attribute__((target("avx512f,fma"))) void tile_avx512(int64_t kc, const float* a, int64_t ars, int64_t aps,
                                                        const float* b, int64_t ldb, const int64_t* boff, float* c,
                                                        int64_t ldc, const TileEdges& e) {
  __m512 acc[8][V];
#pragma GCC unroll 8
  for (int r = 0; r < 8; ++r)
#pragma GCC unroll 3
    for (int v = 0; v < V; ++v)
      acc[r][v] = e.from_bias ? _mm512_set1_ps(e.bias ? e.bias[r] : 0.0f) : _mm512_loadu_ps(c + r * ldc + 16 * v);
  for (int64_t p = 0; p < kc; ++p, a += aps) {
    const float* row = kOffsets ? b + boff[p] : b + p * ldb;
    __m512 bv[V];
#pragma GCC unroll 3
    for (int v = 0; v < V; ++v) bv[v] = _mm512_loadu_ps(row + 16 * v);
    // B read in place (an image, a row-major matrix) is a strip of kc rows
    // far apart; the next strip's rows follow these, and the hardware's
    // stream prefetch cannot follow that many streams.
#pragma GCC unroll 3
    for (int v = 0; v < V; ++v) _mm_prefetch(reinterpret_cast<const char*>(row + 16 * V + 16 * v), _MM_HINT_T0);
#pragma GCC unroll 8
    for (int r = 0; r < 8; ++r) {
      const __m512 av = _mm512_set1_ps(a[r * ars]);
#pragma GCC unroll 3
      for (int v = 0; v < V; ++v) acc[r][v] = _mm512_fmadd_ps(av, bv[v], acc[r][v]);
    }
  }
  if (e.clamp.kind == StoreClamp::Kind::Relu) {  // maxps(x, 0) is x > 0 ? x : 0, NaN and -0 included
    for (int r = 0; r < 8; ++r)
      for (int v = 0; v < V; ++v) acc[r][v] = _mm512_maskz_max_ps(kAllLanes, acc[r][v], _mm512_setzero_ps());
  } else if (e.clamp.kind == StoreClamp::Kind::Clip) {  // maxps(lo, x) / minps(hi, m): std::max(x, lo) / std::min(m, hi)
    const __m512 lo = _mm512_set1_ps(e.clamp.lo), hi = _mm512_set1_ps(e.clamp.hi);
    for (int r = 0; r < 8; ++r)
      for (int v = 0; v < V; ++v) acc[r][v] = _mm512_maskz_min_ps(kAllLanes, hi, _mm512_maskz_max_ps(kAllLanes, lo, acc[r][v]));
  }
#pragma GCC unroll 8
  for (int r = 0; r < 8; ++r)
#pragma GCC unroll 3
    for (int v = 0; v < V; ++v) _mm512_storeu_ps(c + r * ldc + 16 * v, acc[r][v]);
}

}  // namespace

const TileFn kAvx512Tiles[4] = {nullptr, tile_avx512<1, false>, tile_avx512<2, false>, tile_avx512<3, false>};
const TileFn kAvx512OffsetTiles[4] = {nullptr, tile_avx512<1, true>, tile_avx512<2, true>, tile_avx512<3, true>};

}  // namespace rknnc::runtime::kernels
