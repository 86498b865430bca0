#pragma once
// The int8 Conv as an integer product on channel pairs: out[c][p] =
// Σ_k w[c][k]·x[k][p], x given as K rows of P values (a pointwise conv's
// input channels, or an im2col matrix). Rows are interleaved in pairs so one
// SSE2 pmaddwd multiplies four pixels × two rows by a broadcast weight pair;
// a 4-channel × 8-pixel tile of int32 sums stays in registers and is
// requantised straight to int8. Sums are exact, so the result does not
// depend on the order.
#include <cstdint>
#include <vector>

#include "runtime/kernels/helpers/qrequant.h"
#include "runtime/thread_pool.h"

namespace rknnc::runtime::kernels {

// x in panels of 8 pixels: data[((panel·pairs + kp)·8 + i)·2 + j] =
// x[2kp + j][8·panel + i] (0 beyond K and P).
struct PackedPixels {
  std::vector<int16_t> data;
  int64_t k = 0, pairs = 0, pixels = 0, panels = 0;
};

// From int8 rows (values minus zero point zx) or int16 rows already centred.
PackedPixels pack_pixels(const int8_t* x, int32_t zx, int64_t k, int64_t p, ThreadPool* pool);
PackedPixels pack_pixels(const int16_t* x, int64_t k, int64_t p, ThreadPool* pool);

// y[r·P + p] = plan-requantised Σ_k w[r·K + k]·x[k][p] for rows r < m, which
// are channels c0 + r of `plan`.
void qpair_gemm(const int8_t* w, int64_t m, const PackedPixels& x, const RequantPlan& plan, int64_t c0, int8_t* y,
                ThreadPool* pool);

}  // namespace rknnc::runtime::kernels
