#pragma once
// The compile stage of a conversion: quantised graph → compiler::Program for
// the target (compiler/compile.h), and what the .rknn and the reports take
// from it: per-tensor layout annotations (NC1HWC2 values, packed Conv
// weights), perf.json / perf.txt and memory.json.
#include <map>
#include <string>
#include <vector>

#include "compiler/program.h"
#include "config/model_config.h"
#include "format/rknn_file.h"
#include "ir/graph.h"
#include "target/target.h"

namespace rknnc::driver {

// rknn.config keys that depend on the target, checked before any work: a
// one-line config error for a key the target cannot honour
// (configs.sparse_infer off RK3576, configs.encrypt_level on a target without
// encryption).
void check_target_support(const config::ModelConfig& cfg, const target::Target& t);

compiler::Program compile_for_target(const ir::Graph& g, const config::ModelConfig& cfg, const target::Target& t,
                                     std::vector<std::string>& warnings);

// The quantised graph as the .rknn stores it (batched by rknn_batch_size,
// dynamic dims for dynamic_input) and its Programs: one, or one per
// dynamic_input shape set. `reported` is the Program the perf / memory
// reports describe (MaxShape, as eval_perf / eval_memory do, 004 §5.4.3).
struct CompiledModel {
  ir::Graph graph;
  std::vector<compiler::Program> programs;
  size_t reported = 0;
};
CompiledModel compile_model(ir::Graph graph, const config::ModelConfig& cfg, const target::Target& t,
                            std::vector<std::string>& warnings);

// Layout of every value whose producing step writes NC1HWC2, and the packed
// layout of every Conv weight an NPU step reads.
std::map<std::string, format::TensorAnnotation> tensor_annotations(const compiler::Program& p, const ir::Graph& g);

}  // namespace rknnc::driver
