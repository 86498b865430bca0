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
// Runs the pipeline; verifies the IR after each pass when ctx.verify_each.
std::vector<PassRecord> run_pipeline(ir::Graph& graph, int level, PassContext& ctx);
std::vector<PassRecord> run_passes(ir::Graph& graph, const std::vector<std::string>& names, PassContext& ctx);

}  // namespace rknnc::passes
