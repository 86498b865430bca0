#pragma once
// Runs a compiled Program (compiler/program.h) the way the board would:
// every internal buffer lives at its planned offset in one arena, NPU values
// in NC1HWC2 and CPU values in NCHW, converted only by the Program's Reorder
// steps. Each compute step reads its buffers, runs the node's kernel (the same
// kernels as the IR simulator, reading NC1HWC2 through unpacking) and stores
// its outputs back in their layout. A wrong memory plan or layout shows up as
// a difference from Executor::run on the same graph.
#include "compiler/program.h"
#include "runtime/executor.h"

namespace rknnc::runtime {

class ProgramRunner {
 public:
  // Checks that the Program fits the graph (buffer sizes, value shapes).
  ProgramRunner(const ir::Graph& graph, const compiler::Program& program, ThreadPool& pool = ThreadPool::shared());
  // Inputs by graph input name, in NCHW with the Program's input shapes.
  TensorMap run(const TensorMap& inputs) const;

 private:
  const ir::Graph& graph_;
  const compiler::Program& program_;
  ThreadPool& pool_;
};

}  // namespace rknnc::runtime
