#include "quant/tensor_stats.h"

#include <algorithm>
#include <cmath>

namespace rknnc::quant {

void TensorStats::observe_range(const float* data, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float v = data[i];
    if (!std::isfinite(v)) {  // never part of a range
      saw_infinity_ = saw_infinity_ || std::isinf(v);
      continue;
    }
    if (!seen_) {
      min_ = max_ = v;
      seen_ = true;
    }
    min_ = std::min(min_, v);
    max_ = std::max(max_, v);
  }
}

void TensorStats::observe_histogram(const float* data, int64_t n) {
  if (bins_.empty()) bins_.assign(kBins, 0);
  const double width = bin_width();
  if (!(width > 0)) return;  // a constant tensor: the range is all there is
  for (int64_t i = 0; i < n; ++i) {
    // Exact zeros (Relu / padding output) are exact in every int8 range, so
    // they carry no error and would only swamp the histogram (a post-Relu
    // tensor is often half zeros): they are left out.
    if (!std::isfinite(data[i]) || data[i] == 0.0f) continue;
    const double b = (data[i] - static_cast<double>(min_)) / width;
    ++bins_[static_cast<size_t>(std::clamp(b, 0.0, kBins - 1.0))];
  }
}

}  // namespace rknnc::quant
