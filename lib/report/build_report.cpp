#include "report/build_report.h"

#include "format/rknn_file.h"
#include "util/error.h"

namespace rknnc::report {

using nlohmann::json;

namespace {

json pass_entry(const passes::PassRecord& r) {
  return {{"name", r.name},
          {"nodes_removed", r.stats.nodes_removed},
          {"nodes_added", r.stats.nodes_added},
          {"bytes_saved", r.stats.bytes_saved},
          {"changed", r.stats.changed()},
          {"counters", json(r.stats.counters)}};
}

// Node groups the passes recognised (find_attention_blocks …), by kind.
json found_patterns(const std::vector<passes::PassRecord>& records) {
  json patterns = json::object();
  for (const auto& r : records)
    for (const auto& [kind, groups] : r.stats.found) {
      if (!patterns.contains(kind)) patterns[kind] = json::array();
      for (const auto& group : groups) patterns[kind].push_back(json(group));
    }
  return patterns;
}

int64_t node_count(const std::map<std::string, int>& histogram) {
  int64_t n = 0;
  for (const auto& [op, count] : histogram) n += count;
  return n;
}

}  // namespace

json build_report(const BuildReportInput& in) {
  if (!in.config || !in.graph) fail("internal: build report needs the model config and the graph");
  const ir::Graph& g = *in.graph;
  const auto ops_after = g.op_histogram();
  json model = {{"name", in.config->name},
                {"platform", in.config->platform},
                {"file", in.config->model_file_path.filename().string()},
                {"nodes_before", node_count(in.ops_before)},
                {"nodes_after", static_cast<int64_t>(g.nodes.size())},
                {"weight_bytes_after", g.constant_bytes()}};
  model["weight_bytes_before"] = in.weight_bytes_before >= 0 ? json(in.weight_bytes_before) : json(nullptr);

  json passes = json::array();
  json pass_times = json::array();
  double pass_total = 0;
  for (const auto& r : in.passes) {
    passes.push_back(pass_entry(r));
    pass_times.push_back({{"name", r.name}, {"seconds", r.seconds}});
    pass_total += r.seconds;
  }
  json stages = json::array();
  double total = 0;
  for (const auto& [stage, seconds] : in.timings) {
    stages.push_back({{"name", stage}, {"seconds", seconds}});
    total += seconds;
  }

  return {
      {"rknnc_version", RKNNC_VERSION},
      {"format_version", format::kFormatVersion},
      {"model", std::move(model)},
      {"target", in.target},
      {"config", in.config->echo.is_null() ? json::object() : in.config->echo},
      {"inputs", format::describe_values(g, g.inputs)},
      {"outputs", format::describe_values(g, g.outputs)},
      {"ops_before", json(in.ops_before)},
      {"ops_after", json(ops_after)},
      {"passes", std::move(passes)},
      {"patterns", found_patterns(in.passes)},
      {"quantization", in.quantization},
      {"placement", in.placement},
      {"warnings", in.warnings},
      {"outputs_written", in.outputs_written},
      {"timings", {{"total_seconds", total}, {"stages", std::move(stages)},
                   {"passes", std::move(pass_times)}, {"passes_seconds", pass_total}}},
  };
}

std::string dump_report(const json& report) {
  return report.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace rknnc::report
