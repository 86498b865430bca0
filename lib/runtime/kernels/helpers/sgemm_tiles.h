#pragma once
// Register-tile micro-kernels of the fp32 gemm, one per instruction set:
//   C[mr x w] (ldc) = fma chain over p < kc of A[r][p] * B[p][c], starting from C,
// with A[r][p] at a[r * ars + p * aps] (a packed panel: ars = 1, aps = mr; a
// row-major matrix read where it is: ars = its row length, aps = 1) and B as
// kc rows of at least w values, ldb apart (nr for a packed panel, the row
// length when B is read in place), or, for the offset tiles, row p at
// b + boff[p] (an image read in place as its own im2col matrix). w is the tile width nr, or a narrower
// width of the same kernel for the last columns of C.
// Every element is one fused multiply-add per k, in k order, so all paths
// (and every blocking of K, and every tile width) give bit-identical results;
// only the tile shape and the vector width differ.
// TileEdges says how the chains start (from C, or from a bias per row: a
// Conv's first K block) and whether they are clamped before the store (its
// fused Relu / Clip, on its last K block), so the output is written once.
#include <cstdint>

#include "runtime/cpu_features.h"

namespace rknnc::runtime {
struct FusedActivation;
}

namespace rknnc::runtime::kernels {

// A fused Relu / Clip applied to each result before its store (the gemm
// tiles' and the depthwise blocks'): Relu x > 0 ? x : 0, Clip
// std::min(std::max(x, lo), hi); then, with to_half, the result rounded to
// the nearest float16 (ir::round_to_halves: a float16 simulation's output).
struct StoreClamp {
  enum class Kind { None, Relu, Clip };
  Kind kind = Kind::None;
  float lo = 0.0f, hi = 0.0f;
  bool to_half = false;
};
// The store clamp of a node's fused activation: None without one, or for
// one a kernel applies as a pass after its stores (which then rounds too).
StoreClamp store_clamp(const FusedActivation* act);
// Whether store_clamp(act) does all of `act` (no pass after the stores).
bool store_clamp_covers(const FusedActivation* act);

struct TileEdges {
  bool from_bias = false;       // start row r from bias[r] (0 when bias is null), not from C
  const float* bias = nullptr;  // mr values when set
  StoreClamp clamp;
};

using TileFn = void (*)(int64_t kc, const float* a, int64_t ars, int64_t aps, const float* b, int64_t ldb,
                        const int64_t* boff, float* c, int64_t ldc, const TileEdges& edges);

struct TileKernel {
  Isa isa;
  int64_t mr, nr;  // tile rows (A panel height) and columns (B panel width)
  int64_t kc;      // K block: a kc x nr B panel stays in L1
  int64_t lanes;   // the width step of the narrower tiles (one vector)
  TileFn fn[4];         // fn[v]: v vectors of `lanes` columns wide (v = nr / lanes is the whole tile)
  TileFn offset_fn[4];  // the same with B's rows at b + boff[p]
  // One row of the tile (a and c at that row), for a partial row panel of
  // at most kOneRowPanels rows; null where the ISA has none.
  TileFn row_fn[4] = {}, row_offset_fn[4] = {};
  static constexpr int64_t kOneRowPanels = 2;

  // The narrowest tile covering `cols` columns (1..nr), and its width.
  TileFn for_columns(int64_t cols, int64_t& width, bool offsets) const {
    const int64_t v = (cols + lanes - 1) / lanes;
    width = v * lanes;
    return offsets ? offset_fn[v] : fn[v];
  }
  // The one-row tile for `cols` columns (whole vectors), or null.
  TileFn one_row(int64_t cols, bool offsets) const {
    const int64_t v = cols / lanes;
    return cols % lanes ? nullptr : offsets ? row_offset_fn[v] : row_fn[v];
  }
};

// The kernel of `isa` (which the CPU must support).
const TileKernel& tile_kernel(Isa isa);

// Per-ISA definitions (sgemm_tiles_<isa>.cpp): fn and offset_fn tables of TileKernel.
extern const TileFn kGenericTiles[4], kGenericOffsetTiles[4];
extern const TileFn kAvx2Tiles[4], kAvx2OffsetTiles[4];
extern const TileFn kAvx512Tiles[4], kAvx512OffsetTiles[4];
extern const TileFn kAvx512RowTiles[4], kAvx512RowOffsetTiles[4];

}  // namespace rknnc::runtime::kernels
