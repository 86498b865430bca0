// Reading an edited .quantization.cfg back (step2): schema, fingerprint,
// layer names and data types, and per tensor which pair was edited.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "config/nearest.h"
#include "config/schema_check.h"
#include "config/yaml_json.h"
#include "config/yaml_lines.h"
#include "quant/hybrid_cfg.h"
#include "quant/quantize_graph.h"
#include "util/error.h"

namespace rknnc::quant {
namespace {

using nlohmann::json;

std::string read_text(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    fail_config("{}: no such file; run `rknnc hybrid step1` to write it, or give the edited file with --cfg",
                file.string());
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) fail_config("{}: cannot read the file; check its permissions", file.string());
  return text.str();
}

std::string suggestion(const std::string& name, const std::vector<std::string>& names) {
  const std::string near = config::nearest(name, names);
  return near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near);
}

class CfgReader {
 public:
  CfgReader(const std::filesystem::path& file, const CfgContext& ctx) : file_(file), ctx_(ctx) {}

  HybridPlan read() {
    const std::string text = read_text(file_);
    const json doc = config::yaml_text_to_json(text, file_.string());
    const config::YamlLines lines(text);
    lines_ = &lines;
    if (!doc.is_object())
      fail_config("{}: line 1: expected a mapping with model_sha256, custom_quantize_layers and quantize_parameters, "
                  "as `rknnc hybrid step1` writes it",
                  file_.string());
    config::validate_or_fail(doc, config::load_schema("hybrid_cfg.schema.json"), file_.string(), "",
                             [&](const std::vector<std::string>& keys) { return lines.of(keys); });
    check_fingerprint(doc["model_sha256"].get<std::string>());
    HybridPlan plan;
    plan.file = file_;
    if (doc["custom_quantize_layers"].is_object())
      for (const auto& [layer, dtype] : doc["custom_quantize_layers"].items()) add_layer(plan, layer, dtype.get<std::string>());
    if (doc["quantize_parameters"].is_object())
      for (const auto& [tensor, entry] : doc["quantize_parameters"].items()) add_tensor(plan, tensor, entry);
    return plan;
  }

 private:
  template <typename... Args>
  [[noreturn]] void fail_at(const std::vector<std::string>& keys, fmt::format_string<Args...> f, Args&&... args) const {
    fail_config("{}: line {}: {}", file_.string(), lines_->of(keys), fmt::format(f, std::forward<Args>(args)...));
  }

  void check_fingerprint(const std::string& sha) const {
    if (sha != ctx_.model_sha256)
      fail_at({"model_sha256"},
              "model_sha256: this file was made for another model (or for another model file, subgraphs, mean/std, "
              "optimization_level or rknnc version); run `rknnc hybrid step1` for this model and edit the new file");
  }

  void add_layer(HybridPlan& plan, const std::string& layer, const std::string& dtype) {
    const std::vector<std::string> at = {"custom_quantize_layers", layer};
    std::vector<std::string> outputs;
    for (const auto& n : ctx_.graph->nodes) outputs.insert(outputs.end(), n->outputs.begin(), n->outputs.end());
    if (std::find(outputs.begin(), outputs.end(), layer) == outputs.end())
      fail_at(at, "custom_quantize_layers: '{}' is not the output of a layer of this model{}; use a tensor name of "
              "quantize_parameters or of the .model file",
              layer, suggestion(layer, outputs));
    const auto& dtypes = ctx_.target_dtypes;
    if (std::find(dtypes.begin(), dtypes.end(), dtype) == dtypes.end())
      fail_at(at, "custom_quantize_layers.{}: {} is not a data type of {} (it has {}); use {}", layer, dtype,
              ctx_.target, fmt::join(dtypes, ", "),
              std::find(dtypes.begin(), dtypes.end(), "float16") != dtypes.end() ? "float16" : "none for this target");
    plan.half_layers.insert(layer);
  }

  float number(const json& entry, const std::string& tensor, const char* key) const {
    const double v = entry[key][0].get<double>();
    if (!std::isfinite(v) || std::abs(v) > 3.0e38)
      fail_at({"quantize_parameters", tensor, key, "0"}, "quantize_parameters.{}.{}: got {}; expected a finite number",
              tensor, key, v);
    return static_cast<float>(v);
  }

  void add_tensor(HybridPlan& plan, const std::string& tensor, const json& entry) {
    const std::vector<std::string> at = {"quantize_parameters", tensor};
    const CfgTensor* fresh = fresh_entry(tensor);
    if (!fresh) {
      std::vector<std::string> names;
      for (const auto& [name, t] : ctx_.fresh->tensors) names.push_back(name);
      fail_at(at, "quantize_parameters: '{}' is not a tensor with its own int8 parameters in this model{}; use the "
              "names step1 wrote",
              tensor, suggestion(tensor, names));
    }
    CfgTensor t;
    t.min = number(entry, tensor, "min"), t.max = number(entry, tensor, "max");
    t.ori_min = number(entry, tensor, "ori_min"), t.ori_max = number(entry, tensor, "ori_max");
    t.params = ir::QuantParams::per_tensor(number(entry, tensor, "scale"), entry["zero_point"][0].get<int32_t>());
    if (t.min > t.max)
      fail_at({"quantize_parameters", tensor, "min"}, "quantize_parameters.{}: min {} is above max {}; make min <= max",
              tensor, t.min, t.max);
    if (t.min > 0 || t.max < 0)
      fail_at({"quantize_parameters", tensor, "min"},
              "quantize_parameters.{}: the range [{}, {}] does not contain 0, which int8 represents exactly; make "
              "min <= 0 <= max",
              tensor, t.min, t.max);
    if (t.ori_min != fresh->ori_min || t.ori_max != fresh->ori_max)
      fail_at({"quantize_parameters", tensor, "ori_min"},
              "quantize_parameters.{}: ori_min/ori_max [{}, {}] are not the range calibration observes ([{}, {}]); "
              "they are for information: restore them and edit min/max or scale/zero_point (or run step1 again if "
              "the data set changed)",
              tensor, t.ori_min, t.ori_max, fresh->ori_min, fresh->ori_max);
    plan.params[tensor] = chosen_params(t, *fresh, tensor);
    if (plan.params[tensor] != fresh->params) plan.edited[tensor] = lines_->of(at);
  }

  // scale / zero_point agreeing with min / max: used; otherwise the pair the
  // user changed wins and the other pair must be as step1 wrote it.
  ir::QuantParams chosen_params(const CfgTensor& t, const CfgTensor& fresh, const std::string& tensor) const {
    const ir::QuantParams derived = activation_params({t.min, t.max});
    if (t.params == derived) return t.params;
    if (t.min == fresh.min && t.max == fresh.max) return t.params;
    if (t.params == fresh.params) return derived;
    fail_at({"quantize_parameters", tensor, "scale"},
            "quantize_parameters.{}: min/max and scale/zero_point were both changed and disagree (min/max [{}, {}] "
            "give scale {} zero_point {}); change one pair and keep the other as step1 wrote it",
            tensor, t.min, t.max, derived.scale_at(0), derived.zero_point_at(0));
  }

  const CfgTensor* fresh_entry(const std::string& tensor) const {
    for (const auto& [name, t] : ctx_.fresh->tensors)
      if (name == tensor) return &t;
    return nullptr;
  }

  std::filesystem::path file_;
  const CfgContext& ctx_;
  const config::YamlLines* lines_ = nullptr;
};

}  // namespace

HybridPlan read_hybrid_cfg(const std::filesystem::path& file, const CfgContext& context) {
  return CfgReader(file, context).read();
}

void check_edits_used(const HybridPlan& plan, const std::vector<std::string>& own_params) {
  for (const auto& [tensor, line] : plan.edited)
    if (std::find(own_params.begin(), own_params.end(), tensor) == own_params.end())
      fail_config("{}: line {}: quantize_parameters.{}: edited, but no int8 op reads or writes this tensor with "
                  "these layers in float16; undo the edit or keep a neighbouring layer in int8",
                  plan.file.string(), line, tensor);
}

}  // namespace rknnc::quant
