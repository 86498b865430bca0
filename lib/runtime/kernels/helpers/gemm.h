#pragma once
// Single-precision matrix multiply used by Conv (im2col), ConvTranspose,
// Gemm and MatMul: C[M,N] (+)= A[M,K] · B[K,N], all row-major with leading
// dimensions. Cache-blocked with packed panels and a 4x8 register tile;
// parallel over output tiles when a pool is given.
#include <cstdint>

#include "runtime/thread_pool.h"

namespace rknnc::runtime::kernels {

struct GemmArgs {
  int64_t m = 0, n = 0, k = 0;
  const float* a = nullptr;
  int64_t lda = 0;
  bool trans_a = false;  // a is K x M (element (i,p) at a[p*lda + i])
  const float* b = nullptr;
  int64_t ldb = 0;
  bool trans_b = false;  // b is N x K (element (p,j) at b[j*ldb + p])
  float* c = nullptr;
  int64_t ldc = 0;
  bool accumulate = false;  // false: C = A·B, true: C += A·B
};

// pool == nullptr runs on the calling thread (callers already inside a parallel_for).
void sgemm(const GemmArgs& g, ThreadPool* pool);

// Plain triple loop, the oracle the unit tests compare sgemm with.
void sgemm_reference(const GemmArgs& g);

}  // namespace rknnc::runtime::kernels
