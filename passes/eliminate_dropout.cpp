// Removes inference-mode Dropout: its first output equals its input.
//
// Rule: only when the mask output (output 1) is absent or unread. The mask is
// a real value (all true at inference) that a model may consume; dropping the
// node would leave that reader without a producer. Since opset 12 Dropout can
// also be put in training mode by its third input `training_mode`; a Dropout
// whose training_mode is not a constant false is kept, because it is random,
// unless its ratio is a constant 0: then it keeps every element and scales by
// 1 / (1 - 0) (torchvision's Swin writes F.dropout(attn, p=0.0), training on).
#include "passes/helpers/rewrite.h"
#include "passes/pass.h"

namespace rknnc::passes {
namespace {

bool is_constant(const ir::Graph& g, const ir::Node& n, size_t input, double value) {
  const ir::Tensor* t = n.has_input(input) ? g.constant(n.input(input)) : nullptr;
  return t && t->numel() == 1 && t->get_as_double(0) == value;
}

bool is_inference_dropout(const ir::Graph& g, const ir::Node& n) {
  if (n.op_type != "Dropout" || !n.domain.empty()) return false;
  if (n.outputs.size() > 1 && !n.outputs[1].empty() &&
      (!g.consumers(n.outputs[1]).empty() || g.is_graph_output(n.outputs[1])))
    return false;
  return !n.has_input(2) || is_constant(g, n, 2, 0.0) || is_constant(g, n, 1, 0.0);
}

class EliminateDropout final : public Pass {
 public:
  std::string_view name() const override { return "eliminate_dropout"; }
  std::string_view description() const override { return "remove inference-mode Dropout whose mask is unused"; }

  PassStats run(ir::Graph& g, PassContext&) override {
    PassStats stats;
    stats.nodes_removed = bypass_nodes_if(g, is_inference_dropout);
    stats.counters["dropout_removed"] = stats.nodes_removed;
    return stats;
  }
};

RKNNC_REGISTER_PASS(EliminateDropout);

}  // namespace
}  // namespace rknnc::passes
