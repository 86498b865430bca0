// Add(y, c) where y comes from a Conv / ConvTranspose / Gemm (or a 2-D MatMul
// with a constant [K,N] weight, which becomes a Gemm) and c is a constant that
// holds one value per output channel (or one value for all), when the Add is
// y's only reader and does not broadcast y to a larger shape. c is added to
// the op's bias; exact up to the rounding of bias + c.
#include "passes/helpers/match.h"
#include "passes/helpers/rewrite.h"
#include "passes/helpers/weights.h"
#include "passes/pass.h"

namespace rknnc::passes {
namespace {

// A MatMul of a 2-D activation by a constant 2-D weight is a Gemm without bias.
bool matmul_to_gemm(const ir::Graph& g, ir::Node& mm) {
  if (mm.op_type != "MatMul" || !mm.domain.empty()) return false;
  auto a = static_shape(g, mm.input(0));
  const ir::Tensor* w = float_constant_input(g, mm, 1);
  if (!a || a->size() != 2 || !w || w->shape().size() != 2) return false;
  mm.op_type = "Gemm";
  return true;
}

class FuseBiasAddIntoConv final : public Pass {
 public:
  std::string_view name() const override { return "fuse_bias_add_into_conv"; }
  std::string_view description() const override {
    return "fold Add of a per-channel constant into the bias of Conv/ConvTranspose/Gemm/2-D MatMul";
  }

  PassStats run(ir::Graph& g, PassContext&) override {
    PassStats stats;
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      ir::Node& op = *g.nodes[i];
      if (has_fused_activation(op)) continue;
      ir::Node* add = single_consumer(g, op.outputs.empty() ? "" : op.outputs[0]);
      if (!add || add->op_type != "Add" || !add->domain.empty() || add->inputs.size() != 2) continue;
      const size_t c_index = add->input(0) == op.outputs[0] ? 1 : 0;
      const ir::Tensor* c = float_constant_input(g, *add, c_index);
      auto out = static_shape(g, op.outputs[0]);
      if (!c || !out || out->size() < 2 || static_shape(g, add->outputs[0]) != out) continue;
      const bool was_matmul = op.op_type == "MatMul";
      if (was_matmul && !matmul_to_gemm(g, op)) continue;
      auto layout = out_channel_layout(g, op);
      auto bias = layout ? effective_bias(g, op, *layout) : std::nullopt;
      const bool gemm = op.op_type == "Gemm";
      auto extra = layout ? per_channel_values(*c, out->size(), 1, layout->channels) : std::nullopt;
      if (!bias || !extra || (gemm && out->size() != 2)) {
        if (was_matmul) op.op_type = "MatMul";
        continue;
      }
      for (int64_t ch = 0; ch < layout->channels; ++ch) (*bias)[ch] += (*extra)[ch];
      set_bias(g, op, *bias);
      absorb_consumer(g, op, *add);
      ++stats.nodes_removed;
      ++stats.counters["bias_fused"];
      if (was_matmul) ++stats.counters["matmul_to_gemm"];
    }
    g.remove_unused_values();
    return stats;
  }
};

RKNNC_REGISTER_PASS(FuseBiasAddIntoConv);

}  // namespace
}  // namespace rknnc::passes
