// Config vs model consistency: names exist, one shape / mean / std list per
// input, one mean/std value per channel (001 §2.2.2).
#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "config/model_config.h"
#include "config/nearest.h"
#include "ir/graph.h"
#include "ir/shape.h"
#include "util/error.h"

namespace rknnc::config {
namespace {

std::vector<std::string> all_tensor_names(const ir::Graph& g) {
  std::vector<std::string> names;
  for (const auto& [name, info] : g.values) names.push_back(name);
  for (const auto& n : g.inputs) names.push_back(n);
  for (const auto& n : g.outputs) names.push_back(n);
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

void check_names(const ModelConfig& cfg, const std::vector<std::string>& wanted, const std::string& key,
                 const std::vector<std::string>& known, const std::vector<std::string>& listed) {
  for (size_t i = 0; i < wanted.size(); ++i) {
    if (std::binary_search(known.begin(), known.end(), wanted[i])) continue;
    const std::string near = nearest(wanted[i], known);
    fail_config("{}[{}]: the model has no tensor '{}'{}; the model's {} are: {}", cfg.where(key), i, wanted[i],
                near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near), key.substr(key.rfind('.') + 1),
                fmt::join(listed, ", "));
  }
}

// The channel dim of an input, or -1 when it has no single channel dim.
// 4-D: dim 1 (NCHW), unless the input looks NHWC (dim 3 in {1,3,4}, dim 1 not).
struct Channels {
  std::vector<int64_t> accepted;  // counts that match
  std::string text;
};

Channels channels_of(const ir::Shape& s) {
  if (s.size() == 4) {
    const bool nhwc = ir::is_image_channel_count(s[3]) && !ir::is_image_channel_count(s[1]);
    const int64_t c = nhwc ? s[3] : s[1];
    return {{c}, fmt::format("{} channels", c)};
  }
  if (s.empty()) return {{1}, "1 channel"};
  std::vector<int64_t> ok{1, s.back()};
  if (s.size() > 1) ok.push_back(s[1]);
  return {ok, fmt::format("shape {} (1, dim 1 or the last dim values accepted)", ir::shape_str(s))};
}

void check_per_channel(const ModelConfig& cfg, const std::string& key, const std::vector<std::vector<float>>& lists,
                       const std::vector<std::string>& inputs,
                       const std::vector<std::optional<ir::Shape>>& shapes) {
  if (lists.empty()) return;
  if (lists.size() != inputs.size())
    fail_config("{} has {} per-input list{}, the model has {} input{} ({}); give one list per input", cfg.where(key),
                lists.size(), lists.size() == 1 ? "" : "s", inputs.size(), inputs.size() == 1 ? "" : "s",
                fmt::join(inputs, ", "));
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!shapes[i]) continue;  // rank unknown: nothing to check against
    const Channels c = channels_of(*shapes[i]);
    if (c.accepted[0] <= 0) continue;  // dynamic channel dim
    const auto n = static_cast<int64_t>(lists[i].size());
    if (std::find(c.accepted.begin(), c.accepted.end(), n) != c.accepted.end()) continue;
    fail_config("{} has {} value{}, input '{}' has {}; give one value per channel", cfg.where(key), n,
                n == 1 ? "" : "s", inputs[i], c.text);
  }
}

}  // namespace

void check_against_model(const ModelConfig& cfg, const ir::Graph& graph) {
  const auto known = all_tensor_names(graph);
  check_names(cfg, cfg.subgraphs.inputs, "subgraphs.inputs", known, graph.inputs);
  check_names(cfg, cfg.subgraphs.outputs, "subgraphs.outputs", known, graph.outputs);

  const std::vector<std::string> inputs = cfg.subgraphs.inputs.empty() ? graph.inputs : cfg.subgraphs.inputs;
  const auto& sizes = cfg.subgraphs.input_size_list;
  if (!sizes.empty() && sizes.size() != inputs.size())
    fail_config("{} has {} shape{}, the model has {} input{} ({}); give one shape per input",
                cfg.where("subgraphs.input_size_list"), sizes.size(), sizes.size() == 1 ? "" : "s", inputs.size(),
                inputs.size() == 1 ? "" : "s", fmt::join(inputs, ", "));
  std::vector<std::optional<ir::Shape>> shapes;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const ir::ValueInfo* info = graph.info(inputs[i]);
    if (!sizes.empty()) {
      if (info && info->has_shape && !info->shape.empty() && info->shape.size() != sizes[i].size())
        fail_config("{}[{}] is {} (rank {}), input '{}' has rank {} {}; give a shape of the model's rank",
                    cfg.where("subgraphs.input_size_list"), i, ir::shape_str(sizes[i]), sizes[i].size(), inputs[i],
                    info->shape.size(), ir::shape_str(info->shape));
      shapes.push_back(sizes[i]);
    } else {
      if (info && info->has_shape)
        shapes.push_back(info->shape);
      else
        shapes.push_back(std::nullopt);
    }
  }
  check_per_channel(cfg, "configs.mean_values", cfg.configs.mean_values, inputs, shapes);
  check_per_channel(cfg, "configs.std_values", cfg.configs.std_values, inputs, shapes);
  const auto& bgr = cfg.configs.quant_img_RGB2BGR;
  if (bgr.size() > 1 && bgr.size() != inputs.size())
    fail_config("{} has {} values, the model has {} input{}; give one value, or one per input",
                cfg.where("configs.quant_img_RGB2BGR"), bgr.size(), inputs.size(), inputs.size() == 1 ? "" : "s");
}

}  // namespace rknnc::config
