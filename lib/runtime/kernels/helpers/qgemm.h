#pragma once
// Integer matrix product of the int8 simulator: int16 operands (int8 values
// minus their zero point), int32 accumulators, exact (no rounding anywhere).
#include <cstdint>

#include "runtime/thread_pool.h"

namespace rknnc::runtime::kernels {

// acc[i·n + j] = Σ_k a[i·k_len + k] · b[j·k_len + k] for i < m, j < n: both
// operands row-major with the reduction dim innermost ("A·Bᵀ"), so every
// output is one contiguous dot product. Threads split the j range.
void qgemm_nt(const int16_t* a, int64_t m, const int16_t* b, int64_t n, int64_t k_len, int32_t* acc, ThreadPool* pool);

}  // namespace rknnc::runtime::kernels
