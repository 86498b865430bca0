#include "passes/helpers/batchnorm.h"

#include <cmath>

#include "passes/helpers/match.h"

namespace rknnc::passes {

bool is_inference_batchnorm(const ir::Graph& g, const ir::Node& bn) {
  if (bn.op_type != "BatchNormalization" || !bn.domain.empty() || bn.attrs.get_int("training_mode", 0)) return false;
  for (size_t o = 1; o < bn.outputs.size(); ++o)
    if (!bn.outputs[o].empty() && (!g.consumers(bn.outputs[o]).empty() || g.is_graph_output(bn.outputs[o])))
      return false;
  return true;
}

std::optional<ChannelAffine> batchnorm_affine(const ir::Graph& g, const ir::Node& bn, int64_t channels) {
  std::vector<std::vector<double>> p;  // γ, β, mean, var
  for (size_t i = 1; i <= 4; ++i) {
    const ir::Tensor* t = float_constant_input(g, bn, i);
    auto v = t && t->numel() == channels ? per_channel_values(*t, 1, 0, channels) : std::nullopt;
    if (!v) return std::nullopt;
    p.push_back(std::move(*v));
  }
  const double eps = bn.attrs.get_float("epsilon", 1e-5f);
  ChannelAffine out;
  for (int64_t c = 0; c < channels; ++c) {
    const double s = p[0][c] / std::sqrt(p[3][c] + eps);
    out.scale.push_back(s);
    out.shift.push_back(p[1][c] - p[2][c] * s);
  }
  return out;
}

}  // namespace rknnc::passes
