#pragma once
// One node made ready to run, once: its kernel resolved, its quantisation
// parameters looked up, and at the first run the state its kernel prepares
// from constant inputs (packed weights, multipliers, tables) and the float
// copies of its float16 constants. The Executor and the ProgramRunner hold
// one per node / step; runs may overlap (the first-run work is call_once).
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "runtime/kernel.h"

namespace rknnc::runtime {

class NodeRunner {
 public:
  // How a float16 simulation holds the values of float16 tensors between
  // nodes: as Float16 tensors (each node widens what it reads and rounds what
  // it writes), or as Float32 tensors of float16 values (each node's float
  // outputs rounded in place; no widening).
  enum class Halves { AsFloat16, InFloats };
  // `graph` (may be null) says which inputs are constants: only then is
  // prepared state cached. `quant`: the quantised graph's parameters, or null.
  // Halves::InFloats needs the graph (its value types say which outputs to round).
  NodeRunner(const ir::Node& node, const ir::Graph* graph, const std::map<std::string, ir::QuantParams>* quant,
             Halves halves = Halves::AsFloat16);
  // Runs the node on `inputs` (one per node input, nullptr when absent).
  // `donated` (per input, may be null): KernelContext::donated.
  std::vector<ir::Tensor> run(const std::vector<const ir::Tensor*>& inputs, ThreadPool& pool,
                              const std::vector<char>* donated = nullptr) const;

 private:
  struct Kernel {
    const KernelEntry* entry = nullptr;
    bool widen = false;  // float16 node run by the fp32 kernel
  };
  Kernel resolve(const KernelContext& ctx) const;
  Kernel kernel_for(const KernelContext& ctx) const;
  void invoke(KernelContext& ctx, const KernelEntry& k) const;
  std::vector<const ir::Tensor*> widen_halves(const std::vector<const ir::Tensor*>& inputs, ThreadPool& pool,
                                              std::vector<ir::Tensor>& held) const;
  void run_in_fp32(KernelContext& ctx, const KernelEntry& k) const;
  void round_outputs(KernelContext& ctx, const KernelEntry& k) const;
  bool cacheable(const KernelEntry& k) const;

  const ir::Node& node_;
  bool cache_;                  // the graph is known: constant inputs may be cached
  std::vector<char> constant_;  // per input: a constant of the graph, or absent
  std::vector<char> round_out_;  // Halves::InFloats: per output, a float16 value of the graph
  std::vector<const ir::QuantParams*> in_quant_, out_quant_;
  mutable std::once_flag resolve_once_, prepare_once_, widen_once_;
  mutable ir::DataType resolved_dtype_ = ir::DataType::Undefined;
  mutable Kernel resolved_;
  mutable std::unique_ptr<PreparedState> prepared_;
  mutable std::vector<ir::Tensor> widened_;  // float copies of float16 constants
};

}  // namespace rknnc::runtime
