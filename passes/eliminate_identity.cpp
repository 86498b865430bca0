// Removes Identity nodes: readers of the output read the input instead.
#include "passes/helpers/rewrite.h"
#include "passes/pass.h"

namespace rknnc::passes {
namespace {

class EliminateIdentity final : public Pass {
 public:
  std::string_view name() const override { return "eliminate_identity"; }
  std::string_view description() const override { return "remove Identity nodes"; }

  PassStats run(ir::Graph& g, PassContext&) override {
    PassStats stats;
    stats.nodes_removed = bypass_nodes_if(g, [](const ir::Graph&, const ir::Node& n) {
      return n.op_type == "Identity" && n.domain.empty();
    });
    stats.counters["identity_removed"] = stats.nodes_removed;
    return stats;
  }
};

RKNNC_REGISTER_PASS(EliminateIdentity);

}  // namespace
}  // namespace rknnc::passes
