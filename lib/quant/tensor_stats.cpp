#include "quant/tensor_stats.h"

#include <algorithm>
#include <cmath>

#include "quant/stats_scan.h"

namespace rknnc::quant {
namespace {

int64_t floor_half(int64_t k) { return k >= 0 ? k / 2 : -((-k + 1) / 2); }

}  // namespace

void TensorStats::observe_range(const float* data, int64_t n) {
  const FiniteRange r = finite_range(data, n, runtime::cpu_features().best());
  saw_infinity_ = saw_infinity_ || r.infinity;
  if (!r.seen) return;
  min_ = seen_ ? std::min(min_, r.min) : r.min;  // the earlier value on ties, as value by value
  max_ = seen_ ? std::max(max_, r.max) : r.max;
  seen_ = true;
}

void TensorStats::merge_range(const TensorStats& other) {
  saw_infinity_ = saw_infinity_ || other.saw_infinity_;
  if (!other.seen_) return;
  min_ = seen_ ? std::min(min_, other.min_) : other.min_;
  max_ = seen_ ? std::max(max_, other.max_) : other.max_;
  seen_ = true;
}

int64_t TensorStats::bin_of(double v) const { return static_cast<int64_t>(std::floor(v / width_)); }

// Pairs of bins become one bin of twice the width.
void TensorStats::coarsen() {
  const int64_t first = floor_half(first_bin_), last = floor_half(first_bin_ + static_cast<int64_t>(bins_.size()) - 1);
  std::vector<uint64_t> merged(static_cast<size_t>(last - first + 1), 0);
  for (size_t i = 0; i < bins_.size(); ++i)
    merged[static_cast<size_t>(floor_half(first_bin_ + static_cast<int64_t>(i)) - first)] += bins_[i];
  bins_ = std::move(merged);
  first_bin_ = first;
  width_ *= 2;
}

// Re-lays the bins out over grid indices [lo_bin, hi_bin] (a superset).
void TensorStats::place(int64_t lo_bin, int64_t hi_bin) {
  std::vector<uint64_t> laid(static_cast<size_t>(hi_bin - lo_bin + 1), 0);
  for (size_t i = 0; i < bins_.size(); ++i) laid[static_cast<size_t>(first_bin_ - lo_bin) + i] = bins_[i];
  bins_ = std::move(laid);
  first_bin_ = lo_bin;
}

void TensorStats::cover_range() {
  if (!seen_ || !(max_ > min_)) return;  // one value: counted in pending_ until the range opens
  if (width_ == 0) {
    // The widest power of two that still gives at least kMaxBins / 2 bins.
    const double range = static_cast<double>(max_) - min_;
    width_ = std::ldexp(1.0, static_cast<int>(std::floor(std::log2(range / (kMaxBins / 2)))));
    first_bin_ = bin_of(min_);
    bins_.assign(1, 0);  // grown below
  }
  // In double: a range far wider than the first sample's would overflow
  // int64 bin indices on the old, fine grid.
  for (;;) {
    const double lo = std::min(static_cast<double>(first_bin_), std::floor(min_ / width_));
    const double hi = std::max(static_cast<double>(first_bin_) + static_cast<double>(bins_.size()) - 1,
                               std::floor(max_ / width_));
    if (hi - lo + 1 <= kMaxBins) {
      place(static_cast<int64_t>(lo), static_cast<int64_t>(hi));
      break;
    }
    coarsen();
  }
  if (pending_) {
    bins_[static_cast<size_t>(bin_of(pending_value_) - first_bin_)] += pending_;
    pending_ = 0;
  }
}

void TensorStats::count(const float* data, int64_t n) {
  if (width_ == 0) {  // the range is one value so far
    for (int64_t i = 0; i < n; ++i)
      if (std::isfinite(data[i]) && data[i] != 0.0f) ++pending_, pending_value_ = data[i];
    return;
  }
  // Exact zeros (Relu / padding output) are exact in every int8 range, so
  // they carry no error and would only swamp the histogram (a post-Relu
  // tensor is often half zeros): count_bins leaves them out.
  count_bins(data, n, 1.0 / width_ /* a power of two: exact */, first_bin_, bins_, runtime::cpu_features().best());
}

void TensorStats::observe_histogram(const float* data, int64_t n) {
  cover_range();
  count(data, n);
}

TensorStats TensorStats::counts_like() const {
  TensorStats s = *this;
  std::fill(s.bins_.begin(), s.bins_.end(), 0);
  s.pending_ = 0;
  return s;
}

void TensorStats::add_counts(const TensorStats& part) {
  for (size_t b = 0; b < bins_.size() && b < part.bins_.size(); ++b) bins_[b] += part.bins_[b];
  pending_ += part.pending_;
  if (part.pending_) pending_value_ = part.pending_value_;
}

}  // namespace rknnc::quant
