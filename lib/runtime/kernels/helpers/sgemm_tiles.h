#pragma once
// Register-tile micro-kernels of the fp32 gemm, one per instruction set:
//   C[mr x nr] (ldc) = fma chain over p < kc of A[r][p] * B[p][c], starting from C,
// with A packed as kc steps of mr values and B as kc rows of nr values, ldb apart
// (nr for a packed panel, the row length when B is read in place).
// Every element is one fused multiply-add per k, in k order, so all paths
// (and every blocking of K) give bit-identical results; only the tile shape
// and the vector width differ.
#include <cstdint>

#include "runtime/cpu_features.h"

namespace rknnc::runtime::kernels {

using TileFn = void (*)(int64_t kc, const float* a, const float* b, int64_t ldb, float* c, int64_t ldc);

struct TileKernel {
  Isa isa;
  int64_t mr, nr;  // tile rows (A panel height) and columns (B panel width)
  int64_t kc;      // K block: a kc x nr B panel stays in L1
  TileFn fn;
};

// The kernel of `isa` (which the CPU must support).
const TileKernel& tile_kernel(Isa isa);

// Per-ISA definitions (sgemm_tiles_<isa>.cpp).
void tile_generic(int64_t kc, const float* a, const float* b, int64_t ldb, float* c, int64_t ldc);
void tile_avx2(int64_t kc, const float* a, const float* b, int64_t ldb, float* c, int64_t ldc);
void tile_avx512(int64_t kc, const float* a, const float* b, int64_t ldb, float* c, int64_t ldc);

}  // namespace rknnc::runtime::kernels
