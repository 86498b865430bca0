#pragma once
// The two per-value loops of calibration statistics (TensorStats), which see
// every activation of every sample: the finite min / max of a run of floats,
// and its histogram bin counts. AVX-512 and AVX2 paths give exactly what the
// scalar loops give (the scalar path is their definition and the tests'
// oracle), so statistics, ranges and .rknn bytes do not depend on the CPU.
#include <cstdint>
#include <vector>

#include "runtime/cpu_features.h"

namespace rknnc::quant {

struct FiniteRange {
  bool seen = false;      // some value was finite
  bool infinity = false;  // some value was +inf or -inf
  float min = 0, max = 0;
};

// As a running std::min / std::max over the finite values in order: on ties
// the first value stays, so a zero extreme has the sign of the first zero.
FiniteRange finite_range(const float* data, int64_t n, runtime::Isa isa);

// ++bins[clamp(floor(v · inv) - first_bin, 0, bins.size() - 1)] for every
// finite non-zero v of data[0, n), the product in double.
void count_bins(const float* data, int64_t n, double inv, int64_t first_bin, std::vector<uint64_t>& bins,
                runtime::Isa isa);

}  // namespace rknnc::quant
