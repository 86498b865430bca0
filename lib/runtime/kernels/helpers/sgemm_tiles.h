#pragma once
// Register-tile micro-kernels of the fp32 gemm, one per instruction set:
//   C[mr x w] (ldc) = fma chain over p < kc of A[r][p] * B[p][c], starting from C,
// with A[r][p] at a[r * ars + p * aps] (a packed panel: ars = 1, aps = mr; a
// row-major matrix read where it is: ars = its row length, aps = 1) and B as
// kc rows of at least w values, ldb apart (nr for a packed panel, the row
// length when B is read in place). w is the tile width nr, or a narrower
// width of the same kernel for the last columns of C.
// Every element is one fused multiply-add per k, in k order, so all paths
// (and every blocking of K, and every tile width) give bit-identical results;
// only the tile shape and the vector width differ.
#include <cstdint>

#include "runtime/cpu_features.h"

namespace rknnc::runtime::kernels {

using TileFn = void (*)(int64_t kc, const float* a, int64_t ars, int64_t aps, const float* b, int64_t ldb, float* c,
                        int64_t ldc);

struct TileKernel {
  Isa isa;
  int64_t mr, nr;  // tile rows (A panel height) and columns (B panel width)
  int64_t kc;      // K block: a kc x nr B panel stays in L1
  int64_t lanes;   // the width step of the narrower tiles (one vector)
  TileFn fn[4];    // fn[v]: v vectors of `lanes` columns wide (v = nr / lanes is the whole tile)

  // The narrowest tile covering `cols` columns (1..nr), and its width.
  TileFn for_columns(int64_t cols, int64_t& width) const {
    const int64_t v = (cols + lanes - 1) / lanes;
    width = v * lanes;
    return fn[v];
  }
};

// The kernel of `isa` (which the CPU must support).
const TileKernel& tile_kernel(Isa isa);

// Per-ISA definitions (sgemm_tiles_<isa>.cpp): fn tables of TileKernel.
extern const TileFn kGenericTiles[4];
extern const TileFn kAvx2Tiles[4];
extern const TileFn kAvx512Tiles[4];

}  // namespace rknnc::runtime::kernels
