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
  // `graph` (may be null) says which inputs are constants: only then is
  // prepared state cached. `quant`: the quantised graph's parameters, or null.
  NodeRunner(const ir::Node& node, const ir::Graph* graph, const std::map<std::string, ir::QuantParams>* quant);
  // Runs the node on `inputs` (one per node input, nullptr when absent).
  std::vector<ir::Tensor> run(const std::vector<const ir::Tensor*>& inputs, ThreadPool& pool) const;

 private:
  struct Kernel {
    const KernelEntry* entry = nullptr;
    bool widen = false;  // float16 node run by the fp32 kernel
  };
  Kernel resolve(const KernelContext& ctx) const;
  void invoke(KernelContext& ctx, const KernelEntry& k) const;
  void run_in_fp32(KernelContext& ctx, const KernelEntry& k) const;
  bool cacheable(const KernelEntry& k) const;

  const ir::Node& node_;
  bool cache_;                  // the graph is known: constant inputs may be cached
  std::vector<char> constant_;  // per input: a constant of the graph, or absent
  std::vector<const ir::QuantParams*> in_quant_, out_quant_;
  mutable std::once_flag resolve_once_, prepare_once_, widen_once_;
  mutable ir::DataType resolved_dtype_ = ir::DataType::Undefined;
  mutable Kernel resolved_;
  mutable std::unique_ptr<PreparedState> prepared_;
  mutable std::vector<ir::Tensor> widened_;  // float copies of float16 constants
};

}  // namespace rknnc::runtime
