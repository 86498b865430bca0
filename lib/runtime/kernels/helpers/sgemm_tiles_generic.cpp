#include <cmath>

#include "runtime/kernels/helpers/sgemm_tiles.h"

namespace rknnc::runtime::kernels {
namespace {

// Plain C++: std::fma keeps the single rounding of the vector paths.
void tile_generic(int64_t kc, const float* a, int64_t ars, int64_t aps, const float* b, int64_t ldb, float* c, int64_t ldc) {
  constexpr int64_t kMr = 4, kNr = 8;
  float acc[kMr][kNr];
  for (int64_t r = 0; r < kMr; ++r)
    for (int64_t j = 0; j < kNr; ++j) acc[r][j] = c[r * ldc + j];
  for (int64_t p = 0; p < kc; ++p, a += aps, b += ldb)
    for (int64_t r = 0; r < kMr; ++r)
      for (int64_t j = 0; j < kNr; ++j) acc[r][j] = std::fma(a[r * ars], b[j], acc[r][j]);
  for (int64_t r = 0; r < kMr; ++r)
    for (int64_t j = 0; j < kNr; ++j) c[r * ldc + j] = acc[r][j];
}

}  // namespace

const TileFn kGenericTiles[4] = {nullptr, tile_generic, nullptr, nullptr};

}  // namespace rknnc::runtime::kernels
