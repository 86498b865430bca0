#pragma once
// Streaming statistics of one float tensor over a calibration data set, in
// one pass: the running min / max and, for kl_divergence and mmse, a
// histogram of the non-zero values that grows with the range. Its bins have a
// power-of-two width on a grid anchored at 0: when the range outgrows
// kMaxBins bins, neighbouring bins merge in pairs (exact, the grid stays
// aligned), so the histogram always spans the range seen so far with between
// kMaxBins / 2 and kMaxBins bins. Memory per tensor is constant whatever the
// data set size (DESIGN.md: users report OOM here, 004 §10.5), and the model
// runs once per sample.
#include <cstdint>
#include <vector>

namespace rknnc::quant {

class TensorStats {
 public:
  static constexpr int kMaxBins = 4096;

  void observe_range(const float* data, int64_t n);
  // observe_range first, on the same data: grows the histogram to the range,
  // then counts the data.
  void observe_histogram(const float* data, int64_t n);
  // The two halves of observe_histogram, for counting one tensor in parts:
  // cover_range() on the whole, then count() per part on copies made by
  // counts_like() (same grid, no counts), then add_counts() of each.
  void cover_range();
  void count(const float* data, int64_t n);
  TensorStats counts_like() const;
  void add_counts(const TensorStats& part);
  // Folds in another part's min / max (exact: the order does not matter).
  void merge_range(const TensorStats& other);

  bool seen() const { return seen_; }
  // Some sample held +inf or -inf (an additive attention mask): int8 cannot hold it.
  bool saw_infinity() const { return saw_infinity_; }
  float min() const { return min_; }
  float max() const { return max_; }
  // Bin counts of the non-zero values; bin i spans [hist_lo() + i·w, + w)
  // with w = bin_width(). Empty when no histogram was gathered (or the
  // range is a single value).
  const std::vector<uint64_t>& histogram() const { return bins_; }
  double bin_width() const { return width_; }
  double hist_lo() const { return static_cast<double>(first_bin_) * width_; }

 private:
  void coarsen();
  void place(int64_t lo_bin, int64_t hi_bin);
  int64_t bin_of(double v) const;

  bool seen_ = false, saw_infinity_ = false;
  float min_ = 0, max_ = 0;
  double width_ = 0;        // 0: no grid yet
  int64_t first_bin_ = 0;   // grid index of bins_[0]
  std::vector<uint64_t> bins_;
  uint64_t pending_ = 0;    // non-zero values seen while the range was one value ...
  float pending_value_ = 0;  // ... this one
};

}  // namespace rknnc::quant
