// configs.model_pruning (004 §5.8, lossless pruning): a Conv output channel
// whose weights and bias are all zero is constant. It is removed when every
// reader allows it: the channel may pass through BatchNormalization and
// activations (each a single reader, all with per-channel or no parameters)
// and must end in Convs (group 1), whose matching input channel is dropped.
// A channel that ends as a constant k ≠ 0 adds k·ΣW to the next Conv's bias,
// which is exact only when that Conv does not pad. On success it logs, like
// Toolkit2:  model_pruning results: / Weight: -X MB (-p%) / GFLOPs: -Y (-q%).
#include <fmt/format.h>

#include <algorithm>

#include "passes/helpers/activation.h"
#include "passes/helpers/batchnorm.h"
#include "passes/helpers/cost.h"
#include "passes/helpers/match.h"
#include "passes/helpers/rewrite.h"
#include "passes/helpers/weights.h"
#include "passes/pass.h"

namespace rknnc::passes {
namespace {

struct Plan {
  std::vector<bool> drop;             // per channel
  std::vector<double> value;          // constant value of each channel at the chain's end
  std::vector<ir::Node*> chain;       // BN / activation nodes after the Conv
  std::vector<std::string> values;    // values whose dim 1 shrinks
  std::vector<ir::Node*> readers;     // Convs reading the chain's end
};

std::vector<bool> zero_channels(const ir::Tensor& w, const std::vector<double>& bias) {
  const int64_t m = w.shape()[0], inner = w.numel() / m;
  const float* p = w.data<float>();
  std::vector<bool> zero(m);
  for (int64_t o = 0; o < m; ++o)
    zero[o] = bias[o] == 0.0 && std::all_of(p + o * inner, p + (o + 1) * inner, [](float x) { return x == 0.0f; });
  return zero;
}

// Follows single-reader BN / activation nodes from the Conv's output; returns
// false when something on the way or at the end does not allow pruning.
bool follow_chain(const ir::Graph& g, const ir::Node& conv, int64_t channels, Plan& plan) {
  std::string v = conv.outputs[0];
  for (;;) {
    auto shape = static_shape(g, v);
    if (!shape || shape->size() < 2 || (*shape)[1] != channels || g.is_graph_output(v)) return false;
    plan.values.push_back(v);
    ir::Node* next = single_consumer(g, v);
    if (!next || next->input(0) != v) break;
    ir::Attributes act;
    if (is_inference_batchnorm(g, *next)) {
      auto affine = batchnorm_affine(g, *next, channels);
      if (!affine) return false;
      for (int64_t c = 0; c < channels; ++c) plan.value[c] = plan.value[c] * affine->scale[c] + affine->shift[c];
    } else if (activation_attrs(g, *next, act)) {
      for (double& x : plan.value) x = apply_activation(act, x);
    } else {
      break;
    }
    plan.chain.push_back(next);
    v = next->outputs[0];
  }
  bool all_zero = true;
  for (int64_t c = 0; c < channels; ++c) all_zero &= !plan.drop[c] || plan.value[c] == 0.0;
  for (ir::Node* r : g.consumers(v)) {
    const ir::Tensor* w = float_constant_input(g, *r, 1);
    if (r->op_type != "Conv" || r->attrs.get_int("group", 1) != 1 || !w || w->shape()[1] != channels ||
        std::count(r->inputs.begin(), r->inputs.end(), v) != 1 || r->input(0) != v)
      return false;
    if ((r->has_input(2) && !float_constant_input(g, *r, 2)) || (!all_zero && !pads_nothing(*r))) return false;
    plan.readers.push_back(r);
  }
  return !plan.readers.empty();
}

std::optional<Plan> plan_for(const ir::Graph& g, const ir::Node& conv) {
  if (conv.op_type != "Conv" || conv.attrs.get_int("group", 1) != 1) return std::nullopt;
  auto layout = out_channel_layout(g, conv);
  auto bias = layout ? effective_bias(g, conv, *layout) : std::nullopt;
  if (!bias) return std::nullopt;
  Plan plan;
  plan.drop = zero_channels(*g.constant(conv.input(1)), *bias);
  const auto dropped = std::count(plan.drop.begin(), plan.drop.end(), true);
  if (dropped == 0) return std::nullopt;
  if (dropped == layout->channels) plan.drop[0] = false;  // keep one channel: no empty tensors
  plan.value.assign(layout->channels, apply_activation(conv.attrs, 0.0));
  if (!follow_chain(g, conv, layout->channels, plan)) return std::nullopt;
  return plan;
}

void shrink_input(ir::Graph& g, ir::Node& n, size_t i, size_t axis, const std::vector<bool>& drop) {
  if (n.has_input(i)) set_constant_input(g, n, i, drop_along_axis(*g.constant(n.input(i)), axis, drop), n.input(i));
}

void apply(ir::Graph& g, ir::Node& conv, const Plan& plan) {
  shrink_input(g, conv, 1, 0, plan.drop);
  shrink_input(g, conv, 2, 0, plan.drop);
  for (ir::Node* n : plan.chain)
    if (n->op_type == "BatchNormalization")
      for (size_t i = 1; i <= 4; ++i) shrink_input(g, *n, i, 0, plan.drop);
  const int64_t kept = std::count(plan.drop.begin(), plan.drop.end(), false);
  for (const auto& v : plan.values) g.values[v].shape[1] = kept;
  for (ir::Node* r : plan.readers) {
    const ir::Tensor& w = *g.constant(r->input(1));
    auto layout = out_channel_layout(g, *r);
    std::vector<double> bias = *effective_bias(g, *r, *layout);
    const int64_t c_in = w.shape()[1], k = w.numel() / (w.shape()[0] * c_in);
    const float* p = w.data<float>();
    bool bias_changed = false;
    for (int64_t e = 0; e < w.numel(); ++e) {
      const int64_t c = (e / k) % c_in;
      if (plan.drop[c] && plan.value[c] != 0.0 && p[e] != 0.0f) {
        bias[e / (k * c_in)] += plan.value[c] * p[e];
        bias_changed = true;
      }
    }
    shrink_input(g, *r, 1, 1, plan.drop);
    if (bias_changed) set_bias(g, *r, bias);
  }
}

class PruneChannels final : public Pass {
 public:
  std::string_view name() const override { return "prune_channels"; }
  std::string_view description() const override {
    return "remove constant-zero Conv output channels (configs.model_pruning, lossless)";
  }

  PassStats run(ir::Graph& g, PassContext& ctx) override {
    PassStats stats;
    if (!ctx.config || !ctx.config->configs.model_pruning) return stats;
    const int64_t bytes_before = g.constant_bytes();
    const double flops_before = graph_flops(g);
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      ir::Node& conv = *g.nodes[i];
      auto plan = plan_for(g, conv);
      if (!plan) continue;
      apply(g, conv, *plan);
      stats.counters["channels_pruned"] += std::count(plan->drop.begin(), plan->drop.end(), true);
      ++stats.counters["convs_pruned"];
    }
    g.remove_unused_values();
    stats.bytes_saved = bytes_before - g.constant_bytes();
    if (stats.counters["convs_pruned"] == 0) return stats;  // Toolkit2 prints nothing then
    const double flops_saved = flops_before - graph_flops(g);
    stats.counters["flops_saved"] = static_cast<int64_t>(flops_saved);
    auto pct = [](double part, double whole) { return whole > 0 ? 100.0 * part / whole : 0.0; };
    ctx.note("model_pruning results:");
    ctx.note(fmt::format("Weight: -{:.5f} MB (-{:.1f}%)", stats.bytes_saved / 1048576.0,
                         pct(static_cast<double>(stats.bytes_saved), static_cast<double>(bytes_before))));
    ctx.note(fmt::format("GFLOPs: -{:.5f} (-{:.1f}%)", flops_saved / 1e9, pct(flops_saved, flops_before)));
    return stats;
  }
};

RKNNC_REGISTER_PASS(PruneChannels);

}  // namespace
}  // namespace rknnc::passes
