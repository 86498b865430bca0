#include "quant/range_search.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "util/error.h"

namespace rknnc::quant {
namespace {

constexpr int kLevels = 256;       // int8
constexpr int kMinKlBins = 128;    // a narrower window has too few bins to compare (TensorRT's rule)
constexpr int kMinMmseBins = 16;
constexpr int kStepsPerOctave = 16;

struct Window {
  int b0 = 0, b1 = 0;  // bins [b0, b1)
  Range range;
};

// Windows [max(min, -t), min(max, t)] for thresholds t shrinking from the
// largest magnitude: a long tail on one side is clipped first, the other
// side only once t reaches it. Stops below `min_bins` bins.
std::vector<Window> candidate_windows(const TensorStats& s, int min_bins) {
  const double width = s.bin_width(), origin = s.hist_lo();
  const int bins = static_cast<int>(s.histogram().size());
  const double top = std::max(std::abs(static_cast<double>(s.min())), std::abs(static_cast<double>(s.max())));
  std::vector<Window> out;
  for (int step = 0;; ++step) {
    const double t = top * std::exp2(-static_cast<double>(step) / kStepsPerOctave);
    const double lo = std::max(static_cast<double>(s.min()), -t), hi = std::min(static_cast<double>(s.max()), t);
    if (lo >= hi) break;
    Window w;
    w.b0 = std::clamp(static_cast<int>(std::floor((lo - origin) / width)), 0, bins);
    w.b1 = std::clamp(static_cast<int>(std::ceil((hi - origin) / width)), 0, bins);
    if (w.b1 - w.b0 < min_bins) break;
    // Bin edges, kept inside what calibration saw (the outer bins reach past it).
    w.range = {static_cast<float>(std::max(origin + w.b0 * width, static_cast<double>(s.min()))),
               static_cast<float>(std::min(origin + w.b1 * width, static_cast<double>(s.max())))};
    out.push_back(w);
  }
  return out;
}

// KL(P || Q) for one window, TensorRT's entropy calibration generalised to a
// window [b0, b1) anywhere in the histogram.
double kl_divergence(const std::vector<uint64_t>& h, const Window& w) {
  const int n = w.b1 - w.b0;
  std::vector<double> p(h.begin() + w.b0, h.begin() + w.b1);
  for (int i = 0; i < w.b0; ++i) p.front() += static_cast<double>(h[i]);
  for (size_t i = static_cast<size_t>(w.b1); i < h.size(); ++i) p.back() += static_cast<double>(h[i]);
  std::vector<double> q(static_cast<size_t>(n), 0.0);
  for (int level = 0; level < kLevels; ++level) {
    const int g0 = level * n / kLevels, g1 = (level + 1) * n / kLevels;
    double mass = 0;
    int nonzero = 0;
    for (int i = g0; i < g1; ++i) {
      mass += static_cast<double>(h[w.b0 + i]);
      nonzero += h[w.b0 + i] != 0;
    }
    for (int i = g0; i < g1; ++i)
      if (h[w.b0 + i] != 0) q[i] = mass / nonzero;
  }
  double sp = 0, sq = 0;
  for (int i = 0; i < n; ++i) sp += p[i], sq += q[i];
  if (sp <= 0 || sq <= 0) return std::numeric_limits<double>::infinity();
  double kl = 0;
  for (int i = 0; i < n; ++i) {
    if (p[i] <= 0) continue;
    const double pi = p[i] / sp, qi = q[i] > 0 ? q[i] / sq : 1e-12;
    kl += pi * std::log(pi / qi);
  }
  return kl;
}

// Expected squared error per value: rounding (step²/12) inside the window,
// distance to the nearest edge outside it; bin centres stand for their values.
double mean_squared_error(const TensorStats& s, const Window& w) {
  const auto& h = s.histogram();
  const double width = s.bin_width(), step = (w.range.hi - w.range.lo) / (kLevels - 1);
  double err = 0;
  for (size_t i = 0; i < h.size(); ++i) {
    if (!h[i]) continue;
    const double x = s.hist_lo() + (static_cast<double>(i) + 0.5) * width;
    const double d = x < w.range.lo ? w.range.lo - x : x > w.range.hi ? x - w.range.hi : 0.0;
    err += static_cast<double>(h[i]) * (d > 0 ? d * d : step * step / 12);
  }
  return err;
}

template <typename Cost>
Range best_window(const TensorStats& s, int min_bins, Cost cost) {
  const std::vector<Window> windows = candidate_windows(s, min_bins);
  if (windows.empty()) return {s.min(), s.max()};
  const Window* best = &windows.front();
  double best_cost = std::numeric_limits<double>::infinity();
  for (const Window& w : windows) {
    const double c = cost(w);
    if (c < best_cost) best_cost = c, best = &w;
  }
  return best->range;
}

}  // namespace

Algorithm algorithm_from_name(const std::string& name) {
  if (name == "normal") return Algorithm::Normal;
  if (name == "kl_divergence") return Algorithm::KlDivergence;
  if (name == "mmse") return Algorithm::Mmse;
  fail("quantized_algorithm '{}' is not one of normal, kl_divergence, mmse", name);
}

bool needs_histogram(Algorithm a) { return a != Algorithm::Normal; }

Range choose_range(const TensorStats& s, Algorithm algorithm) {
  if (!needs_histogram(algorithm) || s.histogram().empty() || !(s.bin_width() > 0)) return {s.min(), s.max()};
  if (algorithm == Algorithm::KlDivergence)
    return best_window(s, kMinKlBins, [&](const Window& w) { return kl_divergence(s.histogram(), w); });
  return best_window(s, kMinMmseBins, [&](const Window& w) { return mean_squared_error(s, w); });
}

}  // namespace rknnc::quant
