#include "driver/preprocess.h"

#include <algorithm>

#include "util/error.h"

namespace rknnc::driver {
namespace {

bool all_equal(const std::vector<float>& v, float x) {
  return std::all_of(v.begin(), v.end(), [x](float e) { return e == x; });
}

ir::Shape broadcast_shape(const ir::ValueInfo& input, size_t channels) {
  const int64_t axis = channel_axis(input, channels);
  ir::Shape shape(input.shape.size() - static_cast<size_t>(axis), 1);
  shape[0] = static_cast<int64_t>(channels);
  return shape;
}

std::string add_stage(ir::Graph& g, const std::string& op, const std::string& x, const std::string& constant,
                      const ir::ValueInfo& info) {
  const std::string out = g.unique_name(x + "_" + (op == "Sub" ? "centered" : "normalized"));
  g.values[out] = info;
  auto node = std::make_unique<ir::Node>(ir::Node{g.unique_name(x + "_preprocess_" + op), op, "", {x, constant}, {out}, {}});
  g.add_node(std::move(node));
  return out;
}

}  // namespace

int64_t channel_axis(const ir::ValueInfo& input, size_t channels) {
  const auto& s = input.shape;
  const auto c = static_cast<int64_t>(channels);
  if (s.size() >= 2 && s[1] == c) return 1;
  if (!s.empty() && s.back() == c) return static_cast<int64_t>(s.size()) - 1;
  if (s.size() >= 2 && s[1] < 0) return 1;
  fail("input of shape {} has no axis with {} channels for mean_values/std_values", ir::shape_str(s), channels);
}

std::vector<format::InputPreprocess> input_preprocess(const config::ModelConfig& cfg, const ir::Graph& g) {
  std::vector<format::InputPreprocess> out;
  for (size_t i = 0; i < g.inputs.size(); ++i) {
    format::InputPreprocess p{g.inputs[i], {}, {}};
    if (i < cfg.configs.mean_values.size()) p.mean = cfg.configs.mean_values[i];
    if (i < cfg.configs.std_values.size()) p.std = cfg.configs.std_values[i];
    out.push_back(std::move(p));
  }
  return out;
}

std::map<std::string, std::string> insert_input_normalization(ir::Graph& g,
                                                              const std::vector<format::InputPreprocess>& pre) {
  std::map<std::string, std::string> normalised;
  for (const auto& p : pre) {
    const bool has_mean = !p.mean.empty() && !all_equal(p.mean, 0.0f);
    const bool has_std = !p.std.empty() && !all_equal(p.std, 1.0f);
    if (!has_mean && !has_std) continue;
    const ir::ValueInfo info = g.values.at(p.input);
    if (info.dtype != ir::DataType::Float32) fail("input '{}' is {}, mean/std need a float32 input", p.input, ir::dtype_name(info.dtype));
    // Readers of the raw input now read the normalised value.
    const std::string temp = g.unique_name(p.input + "_raw");
    g.replace_all_uses(p.input, temp);
    std::string x = p.input;
    if (has_mean) {
      const std::string c = g.unique_name(p.input + "_mean");
      g.add_constant(c, ir::Tensor::from<float>(broadcast_shape(info, p.mean.size()), p.mean));
      x = add_stage(g, "Sub", x, c, info);
    }
    if (has_std) {
      const std::string c = g.unique_name(p.input + "_std");
      g.add_constant(c, ir::Tensor::from<float>(broadcast_shape(info, p.std.size()), p.std));
      x = add_stage(g, "Div", x, c, info);
    }
    g.replace_all_uses(temp, x);
    normalised[p.input] = x;
  }
  if (!normalised.empty()) g.sort_topologically();
  return normalised;
}

}  // namespace rknnc::driver
