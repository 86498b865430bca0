// configs.remove_reshape (001 §2.2.2): removes Reshape ops at the graph inputs
// and outputs (Reshape often runs on the CPU, which is slow). The graph input
// or output keeps its name and takes the other side's shape, so the model's
// I/O shapes change: every change is noted and warned about.
#include <fmt/format.h>

#include "ir/shape.h"
#include "passes/helpers/match.h"
#include "passes/helpers/rewrite.h"
#include "passes/pass.h"

namespace rknnc::passes {
namespace {

class RemoveReshape final : public Pass {
 public:
  std::string_view name() const override { return "remove_reshape"; }
  std::string_view description() const override {
    return "remove Reshape at graph inputs/outputs (configs.remove_reshape; changes I/O shapes)";
  }

  PassStats run(ir::Graph& g, PassContext& ctx) override {
    PassStats stats;
    if (!ctx.config || !ctx.config->configs.remove_reshape) return stats;
    for (const std::string& x : g.inputs) {
      ir::Node* r = single_consumer(g, x);
      if (!is_reshape(r) || r->input(0) != x || g.is_graph_output(r->outputs[0])) continue;
      auto to = static_shape(g, r->outputs[0]);
      if (!to) continue;
      report(ctx, "input", x, g.info(x)->shape, *to);
      const std::string y = r->outputs[0];
      erase_node(g, r);
      g.replace_all_uses(y, x);
      g.values[x].shape = *to;
      g.values.erase(y);
      ++stats.nodes_removed;
      ++stats.counters["input_reshapes_removed"];
    }
    for (const std::string& y : std::vector<std::string>(g.outputs)) {
      ir::Node* r = g.producer(y);
      if (!is_reshape(r)) continue;
      const std::string z = r->input(0);
      auto from = static_shape(g, z);
      if (!from || !g.producer(z) || single_consumer(g, z) != r) continue;
      report(ctx, "output", y, g.info(y)->shape, *from);
      erase_node(g, r);
      rename_value(g, z, y);
      ++stats.nodes_removed;
      ++stats.counters["output_reshapes_removed"];
    }
    g.remove_unused_values();
    return stats;
  }

 private:
  static void report(PassContext& ctx, const char* side, const std::string& name, const ir::Shape& was,
                     const ir::Shape& now) {
    const std::string msg = fmt::format("remove_reshape: removed the Reshape at graph {} '{}'; its shape is now {} (was {})",
                                        side, name, ir::shape_str(now), ir::shape_str(was));
    ctx.note(msg);
    ctx.warn(msg + (std::string(side) == "input" ? ", feed data in the new shape" : ", results come in the new shape"));
  }
};

RKNNC_REGISTER_PASS(RemoveReshape);

}  // namespace
}  // namespace rknnc::passes
