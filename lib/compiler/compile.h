#pragma once
// The NPU compiler: quantised graph + Target → Program. Stages, one file each:
// placement (legalise, NPU / CPU), assign_layouts (NC1HWC2, reorders),
// memory_plan (arena, SRAM), cost_model (+ multicore split).
#include <string>
#include <vector>

#include "compiler/placement.h"
#include "compiler/program.h"
#include "ir/graph.h"
#include "target/target.h"

namespace rknnc::compiler {

struct CompileOptions {
  bool single_core_mode = false;  // configs.single_core_mode: one NPU core
  bool sparse_infer = false;      // configs.sparse_infer: structured-sparse Conv weights (004 §5.11)
  PlacementOptions placement;
};

Program compile(const ir::Graph& g, const target::Target& t, const CompileOptions& options,
                std::vector<std::string>& warnings);

}  // namespace rknnc::compiler
