#pragma once
// Single-precision matrix multiply used by Gemm and MatMul (and by Conv /
// ConvTranspose when their weights are not constants): C[M,N] (+)= A[M,K] · B[K,N],
// all row-major with leading dimensions. Packs A and runs packed_gemm.h, so
// results are per-element fma chains in k order whatever the threads or ISA.
#include <cstdint>

#include "runtime/kernels/helpers/packed_gemm.h"

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
void sgemm(const GemmArgs& g, ThreadPool* pool, Isa isa = gemm_isa());

// Plain triple loop, the oracle the unit tests compare sgemm with.
void sgemm_reference(const GemmArgs& g);

}  // namespace rknnc::runtime::kernels
