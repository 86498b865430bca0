#pragma once
// Executes an IR graph on the CPU with the registered kernels: the fp32
// golden reference, the fp16 simulation (float16 tensors; an op without a
// float16 kernel computes in fp32 and rounds its outputs to half) and the
// int8 simulator (nodes whose outputs are in Graph::quant run their quantised
// kernel). Intermediate tensors are freed after their last use.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "ir/graph.h"
#include "runtime/kernel.h"

namespace rknnc::runtime {

using TensorMap = std::map<std::string, ir::Tensor>;
// Called after each node with its outputs (calibration, accuracy analysis).
using NodeObserver = std::function<void(const ir::Node&, const std::vector<ir::Tensor>&)>;

// A node's prepared kernel state, made at its first run (thread-safe: runs
// of one Executor may overlap).
struct PreparedSlot {
  std::vector<bool> constant;  // per node input: a constant of the graph
  std::once_flag once;
  std::unique_ptr<PreparedState> state;
};

class Executor {
 public:
  // Throws a conversion error naming the first node without a kernel.
  explicit Executor(const ir::Graph& graph, ThreadPool& pool = ThreadPool::shared());
  // Inputs by graph input name; shapes must match the graph's (dynamic dims
  // accept any size). Returns the graph outputs.
  TensorMap run(const TensorMap& inputs, const NodeObserver& observer = {}) const;
  // Runs a single node on given inputs (constant folding, accuracy analysis).
  // `quant` gives the quantisation parameters of a quantised graph's tensors.
  static std::vector<ir::Tensor> run_node(const ir::Node& node, const std::vector<const ir::Tensor*>& inputs,
                                          ThreadPool& pool = ThreadPool::shared(),
                                          const std::map<std::string, ir::QuantParams>* quant = nullptr);
  // Names of ops in `graph` with no kernel, empty when all are supported.
  static std::vector<const ir::Node*> unsupported_nodes(const ir::Graph& graph);
  // run_node with the node's prepared-state slot (ProgramRunner keeps one per step).
  static std::vector<ir::Tensor> run_node(const ir::Node& node, const std::vector<const ir::Tensor*>& inputs,
                                          ThreadPool& pool, const std::map<std::string, ir::QuantParams>* quant,
                                          PreparedSlot* slot);

 private:
  void check_inputs(const TensorMap& inputs) const;
  const ir::Graph& graph_;
  ThreadPool& pool_;
  std::map<std::string, size_t> last_use_;  // value -> index of the last node reading it
  std::vector<std::unique_ptr<PreparedSlot>> slots_;  // per node
};

}  // namespace rknnc::runtime
