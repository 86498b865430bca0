#pragma once
// Moving one image between NCHW planes and NCHW16c blocks (N, C/16, H, W,
// 16: blocked_conv.h), by 16 x 16 register transposes where the CPU has them.
#include <cstdint>

#include "runtime/cpu_features.h"
#include "runtime/thread_pool.h"

namespace rknnc::runtime::kernels {

// y[c / 16][p][c % 16] = x[c][p], and 0 in the padding lanes past `channels`.
void plain_to_blocked(const float* x, int64_t channels, int64_t plane, float* y, ThreadPool& pool, Isa isa);
// y[c][p] = x[c / 16][p][c % 16] for c < channels, p < plane.
void blocked_to_plain(const float* x, int64_t channels, int64_t plane, float* y, ThreadPool& pool, Isa isa);

}  // namespace rknnc::runtime::kernels
