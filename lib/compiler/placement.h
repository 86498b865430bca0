#pragma once
// Legalise and place: each node runs on the NPU when the target's NPU has the
// op, computes its data type and accepts its parameters (targets/*.yaml
// npu.ops, dtypes, max_kernel / max_stride / max_channels); otherwise on the
// CPU, with a warning that says why. configs.op_target (001 §2.2.2: output
// tensor name → cpu / npu / auto) overrides the rules.
#include <map>
#include <string>
#include <vector>

#include "compiler/program.h"
#include "ir/graph.h"
#include "target/target.h"

namespace rknnc::compiler {

struct NodePlacement {
  Device device = Device::Cpu;
  std::string reason;  // why; empty for an ordinary NPU op
};

struct PlacementOptions {
  std::map<std::string, std::string> op_target;  // output tensor → "cpu" / "npu" / "auto"
  std::string op_target_where;                   // "model.yml: configs.op_target" for messages
};

// The data type a node computes in, as eval_perf names it: "INT8" for a
// quantised node, else its first input's ("FLOAT16", "FLOAT32", …).
std::string compute_dtype(const ir::Graph& g, const ir::Node& n);
std::string dtype_label(ir::DataType t);  // "INT8", "FLOAT16", …

// One entry per graph node. Adds one warning per CPU fallback cause; throws a
// config error for an op_target naming no tensor, an unknown device, or "npu"
// for an op the NPU cannot run.
std::vector<NodePlacement> place_nodes(const ir::Graph& g, const target::Target& t, const PlacementOptions& o,
                                       std::vector<std::string>& warnings);

}  // namespace rknnc::compiler
