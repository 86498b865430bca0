#pragma once
// Executes an IR graph on the CPU with the registered kernels: the fp32
// golden reference, the fp16 simulation (float16 tensors; an op without a
// float16 kernel computes in fp32 and rounds its outputs to half) and the
// int8 simulator (nodes whose outputs are in Graph::quant run their quantised
// kernel). Intermediate tensors are freed after their last use.
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "ir/graph.h"
#include "runtime/kernel.h"
#include "runtime/layout_plan.h"
#include "runtime/node_runner.h"

namespace rknnc::runtime {

using TensorMap = std::map<std::string, ir::Tensor>;
// Called after each node with its outputs (calibration, accuracy analysis).
using NodeObserver = std::function<void(const ir::Node&, const std::vector<ir::Tensor>&)>;

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

 private:
  struct Step {
    const ir::Node* node;
    std::vector<int> inputs, outputs;  // value indices, -1 absent
    std::vector<int> release;          // values last read here (not outputs, not constants)
    std::vector<char> donated;         // per input: its value is released here (KernelContext::donated)
    const NodeRunner* runner;          // runners_'s, shared by both plans' steps of the node
  };
  void plan();
  std::vector<Step> steps_for(const std::vector<const ir::Node*>& nodes);
  int id_of(const std::string& name);
  const NodeRunner* runner_for(const ir::Node& node);
  void check_inputs(const TensorMap& inputs) const;
  const ir::Graph& graph_;
  ThreadPool& pool_;
  std::vector<std::string> names_;             // value index -> name
  std::vector<const ir::Tensor*> constants_;  // value index -> the graph's constant, or null
  std::vector<int> input_ids_, output_ids_;
  std::vector<Step> steps_;
  // The same run with channel-blocked values between convolutions (empty
  // when the graph has none); runs without an observer take it, as an
  // observer sees every value in its graph layout.
  LayoutPlan layout_;
  std::vector<Step> blocked_steps_;
  std::map<std::string, int> ids_;
  // One per node, made once: a node both plans run prepares its constants once.
  std::map<const ir::Node*, std::unique_ptr<NodeRunner>> runners_;
};

}  // namespace rknnc::runtime
