#pragma once
// The fp32 gemm behind Conv, ConvTranspose, Gemm and MatMul:
//   C[m x n] (ldc) = C + A[m x k] · B[k x n]
// with A (a layer's weights) read where it is, in panels of the tile height
// of one instruction set (only a last, partial panel is copied, zero padded),
// and B packed per call into L1-sized panels.
// Each C element is one fma chain over k in order, starting from C, so the
// result does not depend on the thread count (work is split over rows and
// columns, never over K), the cache blocking, or the AVX2 / AVX-512 path.
#include <cstdint>
#include <vector>

#include "runtime/kernels/helpers/sgemm_tiles.h"
#include "runtime/thread_pool.h"

namespace rknnc::runtime {
struct FusedActivation;
}

namespace rknnc::runtime::kernels {

// A panel of rows as the tiles read it: A[r][p] at a[r * rs + p * ps].
struct APanel {
  const float* a;
  int64_t rs, ps;
};

// A[i][p] = a[i*lda + p], or a[p*lda + i] when `trans`; it must outlive the
// AMatrix (weights: the graph's constants, alive as long as the executor).
struct AMatrix {
  const TileKernel* tile = nullptr;
  int64_t m = 0, k = 0;
  const float* a = nullptr;
  int64_t rs = 0, ps = 0;   // element (i, p) at a[i * rs + p * ps]
  std::vector<float> tail;  // the last m % mr rows as a packed panel (k steps x mr), zero padded
  // Panel ip (rows ip*mr ..), from K step p0.
  APanel panel(int64_t ip, int64_t p0) const {
    const int64_t mr = tile->mr;
    if ((ip + 1) * mr > m) return {tail.data() + p0 * mr, 1, mr};
    return {a + ip * mr * rs + p0 * ps, rs, ps};
  }
};

AMatrix a_matrix(const float* a, int64_t m, int64_t k, int64_t lda, bool trans, Isa isa);
// The same into `p`, reusing its tail's memory (an operand set up on every run).
void set_a_matrix(AMatrix& p, const float* a, int64_t m, int64_t k, int64_t lda, bool trans, Isa isa);
// The instruction set the fast kernels use on this machine (RKNNC_ISA caps it).
Isa gemm_isa();

// Where B comes from: pack() writes B[p0:p0+kc, j0:j0+nc] as panels of nr
// columns, dst[panel][p][c], zero padded to a whole panel.
struct BSource {
  virtual ~BSource() = default;
  virtual void pack(int64_t nr, int64_t p0, int64_t kc, int64_t j0, int64_t nc, float* dst) const = 0;
  // Row-major B that the tiles can read where it is (whole panels only): its data and row length.
  virtual const float* in_place(int64_t& ld) const {
    ld = 0;
    return nullptr;
  }
  // B whose row p the tiles read at data + off[p] (k offsets), for n columns
  // rounded up to whole vectors (the gemm then never packs B). With a
  // `pitch`, column j is at (j / width) * pitch + j % width: an image's rows
  // of which the first `width` columns (a multiple of the vector width) are
  // B's, so C gets only those.
  virtual const float* row_offsets(const int64_t*& off, int64_t& pitch, int64_t& width) const {
    off = nullptr;
    pitch = width = 0;
    return nullptr;
  }
};

// A row-major matrix.
struct BMatrix final : BSource {
  const float* data = nullptr;
  int64_t ld = 0;
  bool trans = false;  // element (p, j) at data[j*ld + p]
  BMatrix(const float* d, int64_t l, bool t) : data(d), ld(l), trans(t) {}
  void pack(int64_t nr, int64_t p0, int64_t kc, int64_t j0, int64_t nc, float* dst) const override;
  const float* in_place(int64_t& l) const override {
    l = ld;
    return trans ? nullptr : data;
  }
};

// What happens to C around the products, tile by tile while the tile is in
// L1 (a Conv's bias and fused activation, which would otherwise be passes
// over the whole output): with `start_from_bias`, element (i, j) starts from
// bias[i] (0 when bias is null) instead of from C's contents; `act`, when
// set, is applied to each element after its last product.
struct GemmEpilogue {
  bool start_from_bias = false;
  const float* bias = nullptr;
  const FusedActivation* act = nullptr;
};

// pool == nullptr runs on the calling thread.
void gemm_packed(const AMatrix& a, const BSource& b, int64_t n, float* c, int64_t ldc, ThreadPool* pool,
                 const GemmEpilogue& epilogue = {});

}  // namespace rknnc::runtime::kernels
