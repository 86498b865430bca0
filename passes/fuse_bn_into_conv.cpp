// BatchNormalization(y) after Conv / ConvTranspose / Gemm with constant
// weight, bias and BN parameters, where the BN is y's only reader:
//   s = scale / sqrt(var + eps);  W' = W * s (per output channel);
//   b' = (b - mean) * s + B.
// Exact in real arithmetic; in fp32 equal up to rounding (computed in double).
#include "passes/helpers/batchnorm.h"
#include "passes/helpers/match.h"
#include "passes/helpers/rewrite.h"
#include "passes/helpers/weights.h"
#include "passes/pass.h"

namespace rknnc::passes {
namespace {

class FuseBnIntoConv final : public Pass {
 public:
  std::string_view name() const override { return "fuse_bn_into_conv"; }
  std::string_view description() const override {
    return "fold BatchNormalization into the preceding Conv/ConvTranspose/Gemm weights and bias";
  }

  PassStats run(ir::Graph& g, PassContext&) override {
    PassStats stats;
    const int64_t bytes_before = g.constant_bytes();
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      ir::Node& conv = *g.nodes[i];
      if (has_fused_activation(conv)) continue;
      auto layout = out_channel_layout(g, conv);
      ir::Node* bn = layout ? single_consumer(g, conv.outputs[0]) : nullptr;
      if (!bn || !is_inference_batchnorm(g, *bn) || bn->input(0) != conv.outputs[0]) continue;
      auto affine = batchnorm_affine(g, *bn, layout->channels);
      auto bias = effective_bias(g, conv, *layout);
      if (!affine || !bias) continue;
      for (int64_t c = 0; c < layout->channels; ++c) (*bias)[c] = (*bias)[c] * affine->scale[c] + affine->shift[c];
      set_weight(g, conv, scale_weight(*g.constant(conv.input(1)), *layout, affine->scale));
      set_bias(g, conv, *bias);
      absorb_consumer(g, conv, *bn);
      ++stats.nodes_removed;
    }
    g.remove_unused_values();
    stats.counters["bn_fused"] = stats.nodes_removed;
    stats.bytes_saved = bytes_before - g.constant_bytes();
    return stats;
  }
};

RKNNC_REGISTER_PASS(FuseBnIntoConv);

}  // namespace
}  // namespace rknnc::passes
