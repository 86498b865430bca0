#pragma once
// Streaming statistics of one float tensor over a calibration data set: the
// running min / max (pass 1) and a fixed-bin histogram over that range
// (pass 2, for kl_divergence and mmse). Memory per tensor is constant,
// whatever the data set size (DESIGN.md: users report OOM here, 004 §10.5).
#include <cstdint>
#include <vector>

namespace rknnc::quant {

class TensorStats {
 public:
  static constexpr int kBins = 2048;

  void observe_range(const float* data, int64_t n);
  // Call after every observe_range: the histogram spans the final [min, max].
  void observe_histogram(const float* data, int64_t n);

  bool seen() const { return seen_; }
  // Some sample held +inf or -inf (an additive attention mask): int8 cannot hold it.
  bool saw_infinity() const { return saw_infinity_; }
  float min() const { return min_; }
  float max() const { return max_; }
  // Bin counts over [min, max] of the non-zero values; empty before observe_histogram.
  const std::vector<uint64_t>& histogram() const { return bins_; }
  double bin_width() const { return (static_cast<double>(max_) - min_) / kBins; }

 private:
  bool seen_ = false, saw_infinity_ = false;
  float min_ = 0, max_ = 0;
  std::vector<uint64_t> bins_;
};

}  // namespace rknnc::quant
