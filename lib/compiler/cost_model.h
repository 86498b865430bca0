#pragma once
// Cost model (docs/cost-model.md): per step, NPU cycles from the MACs it
// issues (channels padded to C2, the way the NPU's MAC array is filled),
// DDR cycles from the bytes it moves, a fixed per-op overhead, and the core
// split; CPU steps from the DDR bytes they move or their MACs at the CPU's rate. Constants come from the
// target's cost_model block, calibrated on published measured FPS.
#include "compiler/program.h"
#include "ir/graph.h"
#include "target/target.h"

namespace rknnc::compiler {

// Fills every step's cost and workload, program.total_time_us and
// total_ddr_bytes. `cores` > 1 lets ops of the target's multi_core_ops split.
void estimate_costs(Program& program, const ir::Graph& g, const target::Target& t, int cores);

}  // namespace rknnc::compiler
