#pragma once
// {name}.build.json: what a conversion did. Everything except the top-level
// "timings" field is a function of the inputs, so two runs on the same inputs
// give identical reports once "timings" is dropped. Described by
// schemas/build_report.schema.json.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/model_config.h"
#include "ir/graph.h"
#include "passes/pipeline.h"

namespace rknnc::report {

struct BuildReportInput {
  const config::ModelConfig* config = nullptr;  // name, platform, echo
  std::string target;                           // canonical platform name
  const ir::Graph* graph = nullptr;             // the graph written (after passes)
  std::map<std::string, int> ops_before;        // op histogram as loaded
  int64_t weight_bytes_before = -1;             // constant bytes as loaded; -1 = not recorded
  std::vector<passes::PassRecord> passes;
  nlohmann::json quantization = {{"dtype", "float32"}};  // driver/numerics.h NumericsResult::report
  nlohmann::json placement = nullptr;                    // report/perf_report.h placement_json
  std::vector<std::string> warnings;
  std::vector<std::pair<std::string, double>> timings;  // stage, seconds, in run order
  std::vector<std::string> outputs_written;             // file names, in write order
};

nlohmann::json build_report(const BuildReportInput& in);
// json.dump(2) + "\n": keys sorted (nlohmann orders objects by key).
std::string dump_report(const nlohmann::json& report);

}  // namespace rknnc::report
