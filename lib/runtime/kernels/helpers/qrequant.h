#pragma once
// Requantisation of a conv's int32 accumulators to int8, one output channel
// row at a time: y = clamp(zy + FixedMultiplier::apply(acc + bias[c])).
// Channels whose sums provably stay small take an SSE2 path (four outputs per
// multiply); the others, and machines without SSE2, the scalar formula. Both
// give the same bytes.
#include <cstdint>
#include <vector>

#include "runtime/kernels/helpers/requant.h"

namespace rknnc::runtime::kernels {

struct ChannelRequant {
  int32_t bias = 0;
  FixedMultiplier mult;
  // acc + bias fits int32 and |apply(acc + bias)| < 2^30 for every input.
  bool narrow = false;
};

struct RequantPlan {
  std::vector<ChannelRequant> channel;
  int32_t zy = 0;
  OutputClamp clamp;
};

// Plan for `m` channels whose weights are w[c·k_len .. (c+1)·k_len) (int8,
// zero point 0), on inputs of zero point zx.
RequantPlan requant_plan(const KernelContext& ctx, const int8_t* w, int64_t m, int64_t k_len);

// y[i] = requantised acc[i] of channel c, for i < n.
void requant_row(const RequantPlan& plan, int64_t c, const int32_t* acc, int64_t n, int8_t* y);

}  // namespace rknnc::runtime::kernels
