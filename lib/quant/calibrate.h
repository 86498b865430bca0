#pragma once
// Calibration: runs the float graph over the data set and keeps, per float
// tensor (graph inputs and every node output), a TensorStats. Samples are
// loaded one at a time and dropped after use, and the model runs once per
// sample for every algorithm (kl_divergence and mmse histograms grow with the
// range, quant/tensor_stats.h).
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "quant/range_search.h"
#include "quant/tensor_stats.h"

namespace rknnc::quant {

// Loads sample i (one float tensor per graph input, in graph input order).
using SampleLoader = std::function<std::vector<ir::Tensor>(size_t index)>;

struct CalibrationOptions {
  Algorithm algorithm = Algorithm::Normal;
  // Called after every sample: (samples done, total samples).
  std::function<void(size_t, size_t)> progress;
};

struct Calibration {
  std::map<std::string, TensorStats> stats;
  size_t samples = 0;
  Algorithm algorithm = Algorithm::Normal;

  // The clipping range of a tensor; fails when calibration never saw it.
  Range range(const std::string& tensor) const;
};

Calibration calibrate(const ir::Graph& graph, size_t samples, const SampleLoader& load,
                      const CalibrationOptions& options = {});

}  // namespace rknnc::quant
