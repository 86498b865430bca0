#pragma once
#include <string>
#include <vector>

#include "passes/pass.h"

namespace rknnc::passes {

struct PassRecord {
  std::string name;
  PassStats stats;
  double seconds = 0;
};

// Pass names run at an optimization_level (0–3), in order.
std::vector<std::string> pipeline_for_level(int level);
// The passes of pipeline_for_level(level) that make a graph faster to run on
// the CPU, for `rknnc run` of a source model: the passes that only reshape the
// graph for the NPU (a BatchNormalization left standalone becomes Mul + Add,
// two passes over the tensor instead of one) are left out.
std::vector<std::string> cpu_pipeline_for_level(int level);
// Runs the pipeline; verifies the IR after each pass when ctx.verify_each.
std::vector<PassRecord> run_pipeline(ir::Graph& graph, int level, PassContext& ctx);
std::vector<PassRecord> run_passes(ir::Graph& graph, const std::vector<std::string>& names, PassContext& ctx);

}  // namespace rknnc::passes
