// Removes nodes whose outputs no graph output depends on, then constants
// nobody references.
#include "passes/pass.h"

namespace rknnc::passes {
namespace {

class EliminateDeadNodes final : public Pass {
 public:
  std::string_view name() const override { return "eliminate_dead_nodes"; }
  std::string_view description() const override { return "remove nodes and constants no output depends on"; }

  PassStats run(ir::Graph& g, PassContext&) override {
    PassStats stats;
    const int64_t bytes_before = g.constant_bytes();
    stats.nodes_removed = static_cast<int64_t>(g.remove_unreachable());
    stats.bytes_saved = bytes_before - g.constant_bytes();
    return stats;
  }
};

RKNNC_REGISTER_PASS(EliminateDeadNodes);

}  // namespace
}  // namespace rknnc::passes
