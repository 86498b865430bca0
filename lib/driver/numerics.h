#pragma once
// The numerics stage of a conversion, after the optimisation passes:
//   quantize: true   calibrate on the data set, lower to int8 (lib/quant);
//   quantize: false  float16 (float_dtype), int8 weights with quantize_weight.
#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/model_config.h"
#include "ir/graph.h"

namespace rknnc::driver {

struct NumericsResult {
  std::string mode;                  // "int8", "float16", "float32" (+ " with int8 weights")
  std::optional<ir::Graph> golden;   // the float32 graph the written one was made from (-a)
  nlohmann::json report;             // build.json "quantization" section
};

NumericsResult apply_numerics(ir::Graph& graph, const config::ModelConfig& cfg, const std::atomic<bool>* cancel,
                              std::vector<std::string>& warnings, std::vector<std::string>& log);

}  // namespace rknnc::driver
