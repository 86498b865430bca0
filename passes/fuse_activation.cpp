// Fuses an activation into the Conv / ConvTranspose / Gemm / Add producing its
// input when it is that value's only reader. The fused op keeps its op_type
// and gains `activation` (+ activation_min / activation_max /
// activation_alpha); runtime kernels apply it with apply_fused_activation
// (lib/runtime/kernels/helpers/fused_activation.h). Bit-exact in fp32: the
// same function is applied to the same values.
#include <set>

#include "passes/helpers/activation.h"
#include "passes/helpers/match.h"
#include "passes/helpers/rewrite.h"
#include "passes/pass.h"

namespace rknnc::passes {
namespace {

bool is_fusable_producer(const ir::Node& n) {
  static const std::set<std::string, std::less<>> kOps = {"Conv", "ConvTranspose", "Gemm", "Add"};
  return n.domain.empty() && kOps.count(n.op_type) && n.outputs.size() == 1 && !has_fused_activation(n);
}

// x * Sigmoid(x) where the Sigmoid's output is read only by that Mul and x is
// read only by the two: returns the Mul and sets *sigmoid.
ir::Node* match_silu(const ir::Graph& g, const std::string& x, ir::Node** sigmoid) {
  auto readers = g.consumers(x);
  if (readers.size() != 2 || g.is_graph_output(x)) return nullptr;
  for (int k = 0; k < 2; ++k) {
    ir::Node* s = readers[k];
    ir::Node* m = readers[1 - k];
    if (s->op_type != "Sigmoid" || m->op_type != "Mul" || !s->domain.empty() || !m->domain.empty()) continue;
    if (single_consumer(g, s->outputs[0]) != m || m->inputs.size() != 2) continue;
    if (!((m->input(0) == x && m->input(1) == s->outputs[0]) || (m->input(1) == x && m->input(0) == s->outputs[0])))
      continue;
    *sigmoid = s;
    return m;
  }
  return nullptr;
}

class FuseActivation final : public Pass {
 public:
  std::string_view name() const override { return "fuse_activation"; }
  std::string_view description() const override {
    return "fuse Relu/Clip/LeakyRelu/Sigmoid/HardSwish/SiLU into the producing Conv/ConvTranspose/Gemm/Add";
  }

  PassStats run(ir::Graph& g, PassContext&) override {
    PassStats stats;
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      ir::Node& op = *g.nodes[i];
      if (!is_fusable_producer(op)) continue;
      const std::string y = op.outputs[0];
      const ir::ValueInfo* vi = g.info(y);
      if (!vi || vi->dtype != ir::DataType::Float32) continue;  // kernels fuse on float32 only
      ir::Node* sigmoid = nullptr;
      if (ir::Node* mul = match_silu(g, y, &sigmoid)) {
        op.attrs.set("activation", std::string("SiLU"));
        erase_node(g, sigmoid);
        absorb_consumer(g, op, *mul);
        stats.nodes_removed += 2;
        ++stats.counters["SiLU_fused"];
        continue;
      }
      ir::Node* act = single_consumer(g, y);
      if (!act || act->input(0) != y || act->outputs.size() != 1) continue;
      if (!activation_attrs(g, *act, op.attrs)) continue;
      const std::string kind = act->op_type;
      absorb_consumer(g, op, *act);
      ++stats.nodes_removed;
      ++stats.counters[kind + "_fused"];
    }
    g.remove_unused_values();
    return stats;
  }
};

RKNNC_REGISTER_PASS(FuseActivation);

}  // namespace
}  // namespace rknnc::passes
