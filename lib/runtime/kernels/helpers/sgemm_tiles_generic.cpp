#include <algorithm>
#include <cmath>

#include "runtime/kernels/helpers/sgemm_tiles.h"
#include "util/half.h"

namespace rknnc::runtime::kernels {
namespace {

// Plain C++: std::fma keeps the single rounding of the vector paths.
template <bool kOffsets>
void tile_generic(int64_t kc, const float* a, int64_t ars, int64_t aps, const float* b, int64_t ldb,
                  const int64_t* boff, float* c, int64_t ldc, const TileEdges& e) {
  constexpr int64_t kMr = 4, kNr = 8;
  float acc[kMr][kNr];
  for (int64_t r = 0; r < kMr; ++r)
    for (int64_t j = 0; j < kNr; ++j) acc[r][j] = e.from_bias ? (e.bias ? e.bias[r] : 0.0f) : c[r * ldc + j];
  for (int64_t p = 0; p < kc; ++p, a += aps) {
    const float* row = kOffsets ? b + boff[p] : b + p * ldb;
    for (int64_t r = 0; r < kMr; ++r)
      for (int64_t j = 0; j < kNr; ++j) acc[r][j] = std::fma(a[r * ars], row[j], acc[r][j]);
  }
  for (int64_t r = 0; r < kMr; ++r)
    for (int64_t j = 0; j < kNr; ++j) {
      float x = acc[r][j];
      if (e.clamp.kind == StoreClamp::Kind::Relu) x = x > 0.0f ? x : 0.0f;
      if (e.clamp.kind == StoreClamp::Kind::Clip) x = std::min(std::max(x, e.clamp.lo), e.clamp.hi);
      if (e.clamp.to_half) x = half_to_float(float_to_half(x));
      c[r * ldc + j] = x;
    }
}

}  // namespace

const TileFn kGenericTiles[4] = {nullptr, tile_generic<false>, nullptr, nullptr};
const TileFn kGenericOffsetTiles[4] = {nullptr, tile_generic<true>, nullptr, nullptr};

}  // namespace rknnc::runtime::kernels
