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
// `sparse_infer` (on a target that supports it) issues only the kept share of
// the MACs of Convs whose weights are structured-sparse (sparse_kept_share).
void estimate_costs(Program& program, const ir::Graph& g, const target::Target& t, int cores, bool sparse_infer = false);

// 004 §5.11: share of a Conv's dense MACs sparse inference issues — 0.25 for
// 16:4 weights (4:2 along both input and output channels, at most 4 non-zero
// per 4x4 block), 0.5 for 4:2 along input or output channels (at least 2 of
// every 4 consecutive weights zero), else 1. §5.11.4: only 2-D Conv with
// group 1, input and output channels multiples of 32, int8 weights.
double sparse_kept_share(const ir::Node& conv, const ir::Graph& g);

}  // namespace rknnc::compiler
