// Removes Cast nodes whose target type equals the input's type.
#include "passes/helpers/rewrite.h"
#include "passes/pass.h"

namespace rknnc::passes {
namespace {

bool is_noop_cast(const ir::Graph& g, const ir::Node& n) {
  if (n.op_type != "Cast" || !n.domain.empty()) return false;
  const ir::ValueInfo* in = g.info(n.input(0));
  const auto to = static_cast<ir::DataType>(n.attrs.get_int("to", 0));
  return in && in->dtype != ir::DataType::Undefined && in->dtype == to;
}

class EliminateNoopCast final : public Pass {
 public:
  std::string_view name() const override { return "eliminate_noop_cast"; }
  std::string_view description() const override { return "remove Cast to the type the value already has"; }

  PassStats run(ir::Graph& g, PassContext&) override {
    PassStats stats;
    stats.nodes_removed = bypass_nodes_if(g, is_noop_cast);
    stats.counters["cast_removed"] = stats.nodes_removed;
    return stats;
  }
};

RKNNC_REGISTER_PASS(EliminateNoopCast);

}  // namespace
}  // namespace rknnc::passes
