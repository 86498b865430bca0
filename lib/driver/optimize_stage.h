#pragma once
// The first stages of every conversion (plain, hybrid step1 / step2): config,
// target, source model, input normalisation, optimisation passes.
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/model_config.h"
#include "driver/convert.h"
#include "format/rknn_file.h"
#include "ir/graph.h"
#include "passes/pipeline.h"
#include "quant/qdq_import.h"
#include "target/target.h"

namespace rknnc::driver {

class StageTimer {
 public:
  void done(const std::string& stage) {
    const auto now = std::chrono::steady_clock::now();
    timings_.emplace_back(stage, std::chrono::duration<double>(now - last_).count());
    last_ = now;
  }
  const std::vector<std::pair<std::string, double>>& timings() const { return timings_; }

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
  std::vector<std::pair<std::string, double>> timings_;
};

struct OptimizedModel {
  config::ModelConfig cfg;
  target::Target tgt;
  ir::Graph graph;  // optimised float graph, normalisation included
  std::vector<format::InputPreprocess> preprocess;
  std::map<std::string, int> ops_before;
  int64_t weight_bytes_before = 0;
  std::vector<passes::PassRecord> pass_records;
  // The source model's QuantizeLinear / DequantizeLinear parameters, when it
  // had such nodes (they are removed before the passes run).
  std::optional<quant::QdqImport> qdq;
};

// Fills result.model_name, warnings and log (-v pass lines). `check_config`
// runs right after the config is read, before any model work (fail fast).
OptimizedModel load_and_optimize(const ConvertRequest& req, ConvertResult& result, StageTimer& timer,
                                 const std::function<void(const config::ModelConfig&)>& check_config = {});

}  // namespace rknnc::driver
