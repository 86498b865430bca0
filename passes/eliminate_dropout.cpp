// Removes inference-mode Dropout: its first output equals its input.
//
// Rule: only when the mask output (output 1) is absent or unread. The mask is
// a real value (all true at inference) that a model may consume; dropping the
// node would leave that reader without a producer. Since opset 12 Dropout can
// also be put in training mode by its third input `training_mode`; a Dropout
// whose training_mode is not a constant false is kept, because it is random.
#include "passes/helpers/rewrite.h"
#include "passes/pass.h"

namespace rknnc::passes {
namespace {

bool is_inference_dropout(const ir::Graph& g, const ir::Node& n) {
  if (n.op_type != "Dropout" || !n.domain.empty()) return false;
  if (n.outputs.size() > 1 && !n.outputs[1].empty() &&
      (!g.consumers(n.outputs[1]).empty() || g.is_graph_output(n.outputs[1])))
    return false;
  if (n.has_input(2)) {
    const ir::Tensor* training = g.constant(n.input(2));
    if (!training || training->numel() != 1 || training->get_as_int(0) != 0) return false;
  }
  return true;
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
