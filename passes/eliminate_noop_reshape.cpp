// Reshape to the shape the value already has is removed; Reshape of a
// Reshape reads the inner Reshape's input directly (the inner one becomes
// dead when nothing else reads it).
#include <algorithm>

#include "passes/helpers/match.h"
#include "passes/helpers/rewrite.h"
#include "passes/pass.h"

namespace rknnc::passes {
namespace {

bool is_noop_reshape(const ir::Graph& g, const ir::Node& n) {
  if (!is_reshape(&n)) return false;
  auto in = static_shape(g, n.input(0));
  auto out = static_shape(g, n.outputs[0]);
  return in && out && *in == *out;
}

class EliminateNoopReshape final : public Pass {
 public:
  std::string_view name() const override { return "eliminate_noop_reshape"; }
  std::string_view description() const override { return "remove Reshape to the same shape, merge Reshape∘Reshape"; }

  PassStats run(ir::Graph& g, PassContext&) override {
    PassStats stats;
    int64_t merged = 0;
    std::vector<const ir::Node*> inners;
    for (auto& node : g.nodes) {
      ir::Node& n = *node;
      if (!is_reshape(&n) || !is_reshape(g.producer(n.input(0)))) continue;
      // The inner target may use 0 (copy a dim of its own input), so the
      // merged Reshape gets the outer output's static shape spelled out.
      auto out = static_shape(g, n.outputs[0]);
      if (!out) continue;
      const ir::Node& inner = *g.producer(n.input(0));
      n.inputs[0] = inner.input(0);
      set_constant_input(g, n, 1, ir::Tensor::from<int64_t>({static_cast<int64_t>(out->size())}, *out),
                         n.name + "_shape");
      n.attrs.erase("allowzero");
      if (std::find(inners.begin(), inners.end(), &inner) == inners.end()) inners.push_back(&inner);
      ++merged;
    }
    for (const ir::Node* inner : inners) {
      const std::string out = inner->outputs[0];
      if (g.consumers(out).empty() && !g.is_graph_output(out) && g.producer(out) == inner) {
        erase_node(g, inner);
        g.values.erase(out);
        ++stats.nodes_removed;
      }
    }
    g.remove_unused_values();
    const int64_t noop = bypass_nodes_if(g, is_noop_reshape);
    stats.nodes_removed += noop;
    stats.counters["reshape_merged"] = merged;
    stats.counters["reshape_removed"] = noop;
    return stats;
  }
};

RKNNC_REGISTER_PASS(EliminateNoopReshape);

}  // namespace
}  // namespace rknnc::passes
