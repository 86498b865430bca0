#pragma once
// Runs a compiled Program (compiler/program.h) the way the board would:
// every internal buffer lives at its planned offset in one arena, NPU values
// in NC1HWC2 and CPU values in NCHW, converted only by the Program's Reorder
// steps. Each compute step reads its buffers, runs the node's kernel (the same
// kernels as the IR simulator) and stores its outputs back in their layout:
// element-wise NPU ops run straight on the NC1HWC2 blocks, padding included;
// the others read NC1HWC2 through unpacking. A wrong memory plan or layout shows up as
// a difference from Executor::run on the same graph.
#include <memory>
#include <vector>

#include "compiler/program.h"
#include "runtime/executor.h"

namespace rknnc::runtime {

class ProgramRunner {
 public:
  // Checks that the Program fits the graph (buffer sizes, value shapes).
  ProgramRunner(const ir::Graph& graph, const compiler::Program& program, ThreadPool& pool = ThreadPool::shared());
  // Inputs by graph input name, in NCHW with the Program's input shapes.
  TensorMap run(const TensorMap& inputs) const;
  // Steps that run on the raw NC1HWC2 blocks (element-wise NPU ops).
  size_t steps_on_blocks() const;

 private:
  const ir::Graph& graph_;
  const compiler::Program& program_;
  ThreadPool& pool_;
  std::vector<char> on_blocks_;  // per step: runs on the raw NC1HWC2 blocks
  std::vector<std::unique_ptr<PreparedSlot>> slots_;  // per step: the kernel's prepared state (packed weights)
};

}  // namespace rknnc::runtime
