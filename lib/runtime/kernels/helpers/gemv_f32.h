#pragma once
// Matrix-vector product with a row of activations (a Gemm or fully connected
// layer at batch 1): y[j] (+)= sum_p x[p] * w[p][j] over the weights stored
// in panels of kGemvPanel columns, each panel K x kGemvPanel contiguous
// (pack_gemv_panels, once when the node is prepared), so each panel is one
// sequential run of memory and its outputs stay in registers. Each y[j] is
// one fma chain over p in order starting from y[j], as in packed_gemm.h:
// the same bits as the gemm, on every instruction set and thread count.
#include <cstdint>
#include <vector>

#include "runtime/cpu_features.h"
#include "runtime/thread_pool.h"

namespace rknnc::runtime::kernels {

constexpr int64_t kGemvPanel = 64;

// w[p][j] (p < k, j < n; transposed: w[j][p]) as panels: panel q holds
// columns [64q, 64q + 64) row after row, zeros past n.
std::vector<float> pack_gemv_panels(const float* w, int64_t k, int64_t n, bool transposed);

void gemv_f32(const float* x, const float* panels, int64_t k, int64_t n, float* y, ThreadPool* pool, Isa isa);

}  // namespace rknnc::runtime::kernels
