#pragma once
// Layouts and buffers: every value an NPU op reads or writes is an NC1HWC2
// buffer (4-D, with the target's C2 for its data type, §5.1); CPU ops and the
// caller see NCHW. A Reorder step converts a value where its producer and a
// reader disagree, so reorders appear only at NPU/CPU boundaries and at the
// model's inputs and outputs. Fills program.buffers and program.steps (costs,
// workloads and memory offsets come later).
#include <vector>

#include "compiler/placement.h"
#include "compiler/program.h"
#include "ir/graph.h"
#include "target/target.h"

namespace rknnc::compiler {

void assign_layouts(Program& program, const ir::Graph& g, const target::Target& t,
                    const std::vector<NodePlacement>& placement);

}  // namespace rknnc::compiler
