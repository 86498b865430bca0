// Folds the per-input normalisation the converter inserts for configs
// mean_values / std_values, x → Sub(x, mean) → Div(·, std) → Conv, into the
// Conv's weights and bias (either node may be missing):
//   W'[o,c,k] = W[o,c,k] / std[c];  b'[o] = b[o] - Σ_{c,k} W[o,c,k]·mean[c]/std[c].
// Exact only when the Conv does not pad or the mean is all zero: padding adds
// zeros after normalisation, which the raw input cannot reproduce otherwise.
#include <algorithm>

#include "passes/helpers/activation.h"
#include "passes/helpers/match.h"
#include "passes/helpers/rewrite.h"
#include "passes/helpers/weights.h"
#include "passes/pass.h"

namespace rknnc::passes {
namespace {

// Node `op` reading `value` at input 0 with a per-channel constant at input 1.
std::optional<std::vector<double>> channel_operand(const ir::Graph& g, const ir::Node* op, const char* type,
                                                   const std::string& value, int64_t channels) {
  if (!op || op->op_type != type || !op->domain.empty() || op->input(0) != value) return std::nullopt;
  const ir::Tensor* c = float_constant_input(g, *op, 1);
  return c ? per_channel_values(*c, 4, 1, channels) : std::nullopt;
}

class FoldInputNormalization final : public Pass {
 public:
  std::string_view name() const override { return "fold_input_normalization"; }
  std::string_view description() const override { return "fold input Sub(mean)/Div(std) into the first Conv"; }

  PassStats run(ir::Graph& g, PassContext&) override {
    PassStats stats;
    for (const std::string& x : g.inputs) {
      auto shape = static_shape(g, x);
      if (!shape || shape->size() != 4 || g.info(x)->dtype != ir::DataType::Float32) continue;
      const int64_t channels = (*shape)[1];
      std::string v = x;
      std::vector<const ir::Node*> chain;
      std::vector<double> mean(channels, 0.0), stdev(channels, 1.0);
      ir::Node* next = single_consumer(g, v);
      if (auto m = channel_operand(g, next, "Sub", v, channels)) {
        mean = *m, chain.push_back(next), v = next->outputs[0], next = single_consumer(g, v);
      }
      if (auto s = channel_operand(g, next, "Div", v, channels)) {
        stdev = *s, chain.push_back(next), v = next->outputs[0], next = single_consumer(g, v);
      }
      auto layout = next && next->op_type == "Conv" && next->input(0) == v
                        ? out_channel_layout(g, *next) : std::nullopt;
      if (chain.empty() || !layout) continue;
      const bool zero_mean = std::all_of(mean.begin(), mean.end(), [](double m) { return m == 0.0; });
      const bool nonzero_std = std::none_of(stdev.begin(), stdev.end(), [](double s) { return s == 0.0; });
      const int64_t groups = next->attrs.get_int("group", 1);
      const ir::Tensor& w = *g.constant(next->input(1));
      if (!nonzero_std || (!zero_mean && !pads_nothing(*next)) || w.shape()[1] * groups != channels) {
        ++stats.counters["not_exact_skipped"];
        continue;
      }
      auto bias = effective_bias(g, *next, *layout);
      if (!bias) continue;
      // Element e of W [M, C/g, k…] reads input channel (o / (M/g))·(C/g) + (e / K) % (C/g).
      const int64_t per_group_in = w.shape()[1], per_group_out = w.shape()[0] / groups;
      const int64_t k = layout->inner / per_group_in;
      ir::Tensor w2(ir::DataType::Float32, w.shape());
      const float* src = w.data<float>();
      float* dst = w2.data<float>();
      for (int64_t e = 0; e < w.numel(); ++e) {
        const int64_t o = e / layout->inner;
        const int64_t c = (o / per_group_out) * per_group_in + (e / k) % per_group_in;
        dst[e] = static_cast<float>(src[e] / stdev[c]);
        (*bias)[o] -= static_cast<double>(src[e]) * mean[c] / stdev[c];
      }
      set_weight(g, *next, std::move(w2));
      set_bias(g, *next, *bias);
      next->inputs[0] = x;
      for (const ir::Node* n : chain) erase_node(g, n);
      stats.nodes_removed += static_cast<int64_t>(chain.size());
      ++stats.counters["inputs_folded"];
    }
    g.remove_unused_values();
    return stats;
  }
};

RKNNC_REGISTER_PASS(FoldInputNormalization);

}  // namespace
}  // namespace rknnc::passes
