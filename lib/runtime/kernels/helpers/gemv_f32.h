#pragma once
// Matrix-vector product with a row of activations (a Gemm or fully connected
// layer at batch 1): y[j] (+)= sum_p x[p] * wt[p][j] over the weights stored
// K x N (transposed once when the node is prepared), so each k step is one
// contiguous row of weights and every output is a lane. Each y[j] is one fma
// chain over p in order starting from y[j], as in packed_gemm.h: the same
// bits as the gemm, on every instruction set and thread count.
#include <cstdint>

#include "runtime/cpu_features.h"
#include "runtime/thread_pool.h"

namespace rknnc::runtime::kernels {

void gemv_f32(const float* x, const float* wt, int64_t k, int64_t n, float* y, ThreadPool* pool, Isa isa);

}  // namespace rknnc::runtime::kernels
