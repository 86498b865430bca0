#pragma once
// The numerics stage of a conversion, after the optimisation passes:
//   quantize: true   calibrate on the data set, lower to int8 (lib/quant);
//   quantize: false  float16 (float_dtype), int8 weights with quantize_weight.
#include <atomic>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/model_config.h"
#include "ir/graph.h"
#include "quant/calibrate.h"
#include "quant/qdq_import.h"
#include "target/target.h"

namespace rknnc::driver {

struct NumericsResult {
  std::string mode;                  // "int8", "float16", "float32" (+ " with int8 weights")
  std::optional<ir::Graph> golden;   // the float32 graph the written one was made from (-a)
  nlohmann::json report;             // build.json "quantization" section
};

// Hybrid step2: int8 with the edited .quantization.cfg (driver/hybrid.h).
struct HybridRequest {
  std::filesystem::path cfg_file;
  const target::Target* target = nullptr;
};

// `qdq`: the model's own QuantizeLinear / DequantizeLinear parameters. Then
// the graph becomes int8 with them: quantize: false uses nothing else (nodes
// they do not cover stay float, with a warning); quantize: true calibrates the
// tensors they leave without parameters.
NumericsResult apply_numerics(ir::Graph& graph, const config::ModelConfig& cfg, const std::atomic<bool>* cancel,
                              std::vector<std::string>& warnings, std::vector<std::string>& log,
                              const HybridRequest* hybrid = nullptr, const quant::QdqImport* qdq = nullptr);

// Calibration's mixed-range warnings (quant/mixed_range.h), hybrid float16
// layers skipped.
void append_mixed_range_warnings(const ir::Graph& g, const quant::Calibration& cal,
                                 const std::set<std::string>& float_layers, std::vector<std::string>& warnings);

// Calibration of a prepared float graph on the config's data set (exit 2
// without one).
quant::Calibration calibrate_on_dataset(const ir::Graph& g, const config::ModelConfig& cfg,
                                        const std::atomic<bool>* cancel, std::vector<std::string>& warnings);

}  // namespace rknnc::driver
