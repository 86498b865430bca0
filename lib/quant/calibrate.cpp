#include "quant/calibrate.h"

#include "runtime/executor.h"
#include "util/error.h"

namespace rknnc::quant {
namespace {

using Observe = void (TensorStats::*)(const float*, int64_t);

void observe(Calibration& cal, const std::string& name, const ir::Tensor& t, Observe fn) {
  if (name.empty() || t.dtype() != ir::DataType::Float32 || t.empty()) return;
  (cal.stats[name].*fn)(t.data<float>(), t.numel());
}

void run_pass(const ir::Graph& graph, size_t samples, const SampleLoader& load, const CalibrationOptions& options,
              Calibration& cal, Observe fn, int pass, int passes) {
  const runtime::Executor exec(graph);
  for (size_t i = 0; i < samples; ++i) {
    const std::vector<ir::Tensor> inputs = load(i);
    runtime::TensorMap feed;
    for (size_t k = 0; k < graph.inputs.size(); ++k) {
      feed[graph.inputs[k]] = inputs.at(k);
      observe(cal, graph.inputs[k], inputs[k], fn);
    }
    exec.run(feed, [&](const ir::Node& node, const std::vector<ir::Tensor>& outs) {
      for (size_t o = 0; o < outs.size(); ++o) observe(cal, node.outputs[o], outs[o], fn);
    });
    if (options.progress) options.progress(i + 1, samples, pass, passes);
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
  const int passes = needs_histogram(options.algorithm) ? 2 : 1;
  run_pass(graph, samples, load, options, cal, &TensorStats::observe_range, 1, passes);
  if (passes == 2) run_pass(graph, samples, load, options, cal, &TensorStats::observe_histogram, 2, passes);
  return cal;
}

}  // namespace rknnc::quant
