#include "quant/calibrate.h"

#include <algorithm>

#include "runtime/executor.h"
#include "util/error.h"

namespace rknnc::quant {
namespace {

constexpr int64_t kMinPart = 1 << 14;  // values per part worth a hand-off

int64_t parts_of(int64_t n) {
  return std::max<int64_t>(1, std::min<int64_t>(runtime::ThreadPool::shared().size(), n / kMinPart));
}

// fn(part, begin, end) for `parts` equal slices of [0, n), on the pool.
template <class Fn>
void in_parts(int64_t n, int64_t parts, Fn fn) {
  runtime::ThreadPool::shared().parallel_for(parts, n / parts, [&](int64_t b, int64_t e) {
    for (int64_t p = b; p < e; ++p) fn(p, n * p / parts, n * (p + 1) / parts);
  });
}

// Splits a large tensor over the thread pool: each part gathers its own
// min / max and bin counts, which combine exactly, so the statistics do not
// depend on the number of threads. The histogram grid is grown once per
// tensor from the merged range, before the parts count into it.
void observe(Calibration& cal, const std::string& name, const ir::Tensor& t, bool histogram) {
  if (name.empty() || t.dtype() != ir::DataType::Float32 || t.empty()) return;
  TensorStats& stats = cal.stats[name];
  const float* data = t.data<float>();
  const int64_t n = t.numel();
  const int64_t parts = parts_of(n);
  std::vector<TensorStats> part(static_cast<size_t>(parts));
  in_parts(n, parts, [&](int64_t p, int64_t lo, int64_t hi) {
    part[static_cast<size_t>(p)].observe_range(data + lo, hi - lo);
  });
  for (const TensorStats& r : part) stats.merge_range(r);
  if (!histogram) return;
  stats.cover_range();
  std::fill(part.begin(), part.end(), stats.counts_like());
  in_parts(n, parts, [&](int64_t p, int64_t lo, int64_t hi) {
    part[static_cast<size_t>(p)].count(data + lo, hi - lo);
  });
  for (const TensorStats& c : part) stats.add_counts(c);
}

void run_samples(const ir::Graph& graph, size_t samples, const SampleLoader& load, const CalibrationOptions& options,
              Calibration& cal) {
  const bool histogram = needs_histogram(options.algorithm);
  const runtime::Executor exec(graph);
  for (size_t i = 0; i < samples; ++i) {
    const std::vector<ir::Tensor> inputs = load(i);
    runtime::TensorMap feed;
    for (size_t k = 0; k < graph.inputs.size(); ++k) {
      feed[graph.inputs[k]] = inputs.at(k);
      observe(cal, graph.inputs[k], inputs[k], histogram);
    }
    exec.run(feed, [&](const ir::Node& node, const std::vector<ir::Tensor>& outs) {
      for (size_t o = 0; o < outs.size(); ++o) observe(cal, node.outputs[o], outs[o], histogram);
    });
    if (options.progress) options.progress(i + 1, samples);
  }
}

}  // namespace

Range Calibration::range(const std::string& tensor) const {
  auto it = stats.find(tensor);
  if (it == stats.end() || !it->second.seen())
    fail("tensor '{}' has no finite value in any calibration sample; check the data set", tensor);
  return choose_range(it->second, algorithm);
}

Calibration calibrate(const ir::Graph& graph, size_t samples, const SampleLoader& load,
                      const CalibrationOptions& options) {
  Calibration cal;
  cal.samples = samples;
  cal.algorithm = options.algorithm;
  run_samples(graph, samples, load, options, cal);
  return cal;
}

}  // namespace rknnc::quant
