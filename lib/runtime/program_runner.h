#pragma once
// Runs a compiled Program (compiler/program.h) the way the board would:
// every internal buffer lives at its planned offset in one arena, NPU values
// in NC1HWC2 and CPU values in NCHW, converted only by the Program's Reorder
// steps. Each compute step reads its buffers, runs the node's kernel (the same
// kernels as the IR simulator) and stores its outputs back in their layout:
// element-wise NPU ops run straight on the NC1HWC2 blocks, padding included;
// the others read NC1HWC2 through unpacking. A wrong memory plan or layout shows up as
// a difference from Executor::run on the same graph. Each buffer's logical
// tensor is kept beside its bytes while they hold it: steps read that
// instead of unpacking (element-wise ones too, instead of the blocks), and
// bytes no step reads are never written (Memory in program_runner.cpp).
#include <memory>
#include <vector>

#include "compiler/program.h"
#include "runtime/executor.h"

namespace rknnc::runtime {

// Who reads each buffer and which buffers share its bytes (itself included),
// and the type of its value (looked up once, not per run).
struct BufferUse {
  std::vector<int> last_read;               // last step reading it, -1: none
  std::vector<std::vector<int>> overlaps;
  std::vector<ir::DataType> dtype;
};
BufferUse buffer_use(const compiler::Program& program);

class ProgramRunner {
 public:
  // Checks that the Program fits the graph (buffer sizes, value shapes).
  ProgramRunner(const ir::Graph& graph, const compiler::Program& program, ThreadPool& pool = ThreadPool::shared());
  // Inputs by graph input name, in NCHW with the Program's input shapes.
  TensorMap run(const TensorMap& inputs) const;
  // Steps that run on the raw NC1HWC2 blocks (element-wise NPU ops).
  size_t steps_on_blocks() const;
  // Steps run inside a later one (the input normalisation's Sub / Div).
  size_t steps_fused_away() const;

 private:
  const ir::Graph& graph_;
  const compiler::Program& program_;
  ThreadPool& pool_;
  std::vector<char> on_blocks_;  // per step: runs on the raw NC1HWC2 blocks
  BufferUse use_;
  std::vector<std::unique_ptr<NodeRunner>> runners_;  // per compute step
  std::vector<std::vector<const ir::Tensor*>> constants_;  // per step and node input: a constant, or null
  // Per step: the node it runs and the buffers it reads (the Program's, but
  // a fused step's own), and whether it runs inside a later fused step.
  std::vector<const ir::Node*> nodes_;
  std::vector<std::vector<int>> inputs_;
  std::vector<char> fused_away_;
  std::vector<std::unique_ptr<ir::Node>> fused_nodes_;
  void fuse_input_normalisation();
};

}  // namespace rknnc::runtime
