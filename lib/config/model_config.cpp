// YAML → JSON → schema check → ModelConfig (004 §3.1.6 table 3-1, 001 §2.2.2).
#include "config/model_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <fstream>
#include <iterator>
#include <regex>

#include "config/nearest.h"
#include "config/schema_check.h"
#include "config/yaml_json.h"
#include "ir/size_limit.h"
#include "util/error.h"

namespace rknnc::config {
namespace {

// `name` becomes output file names ({name}.build.json, {name}.quantization.cfg,
// their temp files ".{file}.tmp{pid}"): at most this many bytes keeps every one
// of them under the 255-byte file name limit of Linux file systems.
constexpr size_t kMaxNameBytes = 200;

using nlohmann::json;

constexpr const char* kSchema = "model_config.schema.json";

std::string file_label(const fs::path& p) { return p.string(); }

std::vector<std::string> property_names(const json* schema) {
  std::vector<std::string> out;
  if (!schema) return out;
  auto collect = [&](const json& s) {
    if (s.is_object() && s.contains("properties"))
      for (auto it = s["properties"].begin(); it != s["properties"].end(); ++it) out.push_back(it.key());
  };
  collect(*schema);
  if (schema->contains("anyOf"))
    for (const auto& b : (*schema)["anyOf"]) collect(b);
  return out;
}

// Unknown keys are warnings that name the nearest known key.
void warn_unknown(const json& obj, const json& root_schema, const json* node_schema, const std::string& file,
                  const std::string& prefix, std::vector<std::string>& warnings) {
  if (!obj.is_object()) return;
  const auto known = property_names(node_schema);
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (std::find(known.begin(), known.end(), it.key()) != known.end()) continue;
    const std::string near = nearest(it.key(), known);
    warnings.push_back(fmt::format("{}: unknown key {}{} ({}); it is ignored", file, prefix, it.key(),
                                   near.empty() ? fmt::format("known keys: {}", fmt::join(known, ", "))
                                                : fmt::format("did you mean {}?", near)));
  }
  (void)root_schema;
}

// One dim of a shape key: the schema allows positive integers; a dim no
// tensor could have (or a number too big for an integer) is refused here.
int64_t shape_dim(const json& d, const std::string& text, const std::string& where) {
  int64_t v = 0;
  if (d.is_number_integer()) {
    v = d.get<int64_t>();
  } else {
    const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size()) v = 0;
  }
  if (v < 1 || v > ir::kMaxTensorElements)
    fail_config("{}: dimension {} is out of range; a dim is an integer from 1 to {}", where, text,
                ir::kMaxTensorElements);
  return v;
}

std::vector<int64_t> parse_shape(const json& v, const std::string& where) {
  std::vector<int64_t> dims;
  if (v.is_array()) {
    for (const auto& d : v) dims.push_back(shape_dim(d, json_text(d), where));
    return dims;
  }
  static const std::regex kNum("[0-9]+");
  const std::string s = v.get<std::string>();
  for (auto it = std::sregex_iterator(s.begin(), s.end(), kNum); it != std::sregex_iterator(); ++it)
    dims.push_back(shape_dim(nullptr, it->str(), where));
  return dims;
}

float finite_float(const json& x, const std::string& where) {
  const double d = x.get<double>();
  if (!std::isfinite(d) || std::abs(d) > std::numeric_limits<float>::max())
    fail_config("{}: {} is not a finite float32 number", where, d);
  return static_cast<float>(d);
}

std::vector<std::vector<float>> parse_per_input(const json& v, const std::string& where) {
  std::vector<std::vector<float>> out;
  if (v.is_null() || v.empty()) return out;
  if (v[0].is_number()) {
    out.emplace_back();
    for (const auto& x : v) out.back().push_back(finite_float(x, where));
    return out;
  }
  for (const auto& list : v) {
    out.emplace_back();
    for (const auto& x : list) out.back().push_back(finite_float(x, where));
  }
  return out;
}

// The name as JSON shows it (escaped), shortened for a message.
std::string shown_name(const std::string& name) {
  std::string s = json_text(name);
  s = s.substr(1, s.size() - 2);
  return s.size() > 40 ? s.substr(0, 40) + "…" : s;
}

void check_name(const std::string& name, const std::string& where) {
  const bool bad = name.empty() || name.front() == '.' || name.find('/') != std::string::npos ||
                   name.find('\\') != std::string::npos || name.find("..") != std::string::npos ||
                   std::any_of(name.begin(), name.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
  if (bad)
    fail_config("{}: '{}' is not a safe file name (it names the output files); use letters, digits, '_', '-' and '.', "
                "not starting with '.', without '/' or '..'",
                where, shown_name(name));
  if (name.size() > kMaxNameBytes)
    fail_config("{}: '{}' is {} bytes long; it names the output files ({{name}}.rknn, {{name}}.build.json, …), so it "
                "may have at most {} bytes (a file name may have 255); use a shorter name",
                where, shown_name(name), name.size(), kMaxNameBytes);
}

fs::path resolve_path(const fs::path& base, const std::string& p) {
  fs::path path(p);
  if (path.is_relative()) path = base / path;
  return path.lexically_normal();
}

// Which keys name files, per platform (table 3-1).
std::vector<std::string> file_keys(const std::string& platform) {
  if (platform == "caffe") return {"prototxt_file_path", "caffemodel_file_path"};
  if (platform == "darknet") return {"darknet_cfg_path", "darknet_weights_path"};
  return {"model_file_path"};
}

ModelConfig build_entry(const json& entry, const json& schema, const fs::path& yaml_path, const std::string& prefix,
                        const LoadOptions& options) {
  const std::string file = file_label(yaml_path);
  ModelConfig cfg;
  cfg.yaml_path = yaml_path;
  const json* model_schema = &schema["definitions"]["model"];
  json entry_schema = *model_schema;
  entry_schema["definitions"] = schema["definitions"];
  validate_or_fail(entry, entry_schema, file, prefix);

  warn_unknown(entry, schema, model_schema, file, prefix, cfg.warnings);
  for (const char* sub : {"subgraphs", "configs"})
    if (entry.contains(sub))
      warn_unknown(entry[sub], schema, schema_at(schema, *model_schema, {sub}), file, fmt::format("{}{}.", prefix, sub), cfg.warnings);

  const fs::path base = yaml_path.parent_path();
  cfg.name = entry["name"].get<std::string>();
  check_name(cfg.name, fmt::format("{}: {}name", file, prefix.empty() ? "models." : prefix));
  cfg.platform = entry["platform"].get<std::string>();
  auto path_of = [&](const char* key) {
    return entry.contains(key) ? resolve_path(base, entry[key].get<std::string>()) : fs::path();
  };
  cfg.model_file_path = path_of("model_file_path");
  cfg.quantize = entry.value("quantize", false);
  cfg.dataset = path_of("dataset");
  cfg.prototxt_file_path = path_of("prototxt_file_path");
  cfg.caffemodel_file_path = path_of("caffemodel_file_path");
  cfg.darknet_cfg_path = path_of("darknet_cfg_path");
  cfg.darknet_weights_path = path_of("darknet_weights_path");
  if (entry.contains("rknn_batch_size") && !entry["rknn_batch_size"].is_null())
    cfg.rknn_batch_size = entry["rknn_batch_size"].get<int>();

  const json sub = entry.contains("subgraphs") && entry["subgraphs"].is_object() ? entry["subgraphs"] : json::object();
  if (sub.contains("input_size_list"))
    for (const auto& s : sub["input_size_list"])
      cfg.subgraphs.input_size_list.push_back(parse_shape(s, cfg.where("subgraphs.input_size_list")));
  if (sub.contains("inputs")) cfg.subgraphs.inputs = sub["inputs"].get<std::vector<std::string>>();
  if (sub.contains("outputs")) cfg.subgraphs.outputs = sub["outputs"].get<std::vector<std::string>>();
  if (!cfg.subgraphs.inputs.empty() && !cfg.subgraphs.input_size_list.empty() &&
      cfg.subgraphs.inputs.size() != cfg.subgraphs.input_size_list.size())
    fail_config("{}: {} shapes for {} inputs; give one shape per name in subgraphs.inputs",
                cfg.where("subgraphs.input_size_list"), cfg.subgraphs.input_size_list.size(),
                cfg.subgraphs.inputs.size());

  const json c = entry.contains("configs") && entry["configs"].is_object() ? entry["configs"] : json::object();
  RknnConfig& rc = cfg.configs;
  if (c.contains("mean_values")) rc.mean_values = parse_per_input(c["mean_values"], cfg.where("configs.mean_values"));
  if (c.contains("std_values")) rc.std_values = parse_per_input(c["std_values"], cfg.where("configs.std_values"));
  if (c.contains("quant_img_RGB2BGR")) {
    if (c["quant_img_RGB2BGR"].is_boolean())
      rc.quant_img_RGB2BGR = {c["quant_img_RGB2BGR"].get<bool>()};
    else
      for (const auto& b : c["quant_img_RGB2BGR"]) rc.quant_img_RGB2BGR.push_back(b.get<bool>());
  }
  auto str = [&](const char* key, std::string& out) {
    if (c.contains(key) && c[key].is_string()) out = c[key].get<std::string>();
  };
  auto flag = [&](const char* key, bool& out) {
    if (c.contains(key)) out = c[key].get<bool>();
  };
  str("quantized_dtype", rc.quantized_dtype);
  str("quantized_algorithm", rc.quantized_algorithm);
  str("quantized_method", rc.quantized_method);
  str("float_dtype", rc.float_dtype);
  str("target_platform", rc.target_platform);
  str("custom_string", rc.custom_string);
  if (c.contains("optimization_level")) rc.optimization_level = c["optimization_level"].get<int>();
  flag("remove_weight", rc.remove_weight);
  flag("compress_weight", rc.compress_weight);
  flag("single_core_mode", rc.single_core_mode);
  flag("model_pruning", rc.model_pruning);
  flag("quantize_weight", rc.quantize_weight);
  flag("remove_reshape", rc.remove_reshape);
  flag("sparse_infer", rc.sparse_infer);
  if (c.contains("encrypt_level") && c["encrypt_level"].is_number_integer())
    rc.encrypt_level = c["encrypt_level"].get<int>();
  if (c.contains("encrypt_key_file") && c["encrypt_key_file"].is_string())
    rc.encrypt_key_file = resolve_path(base, c["encrypt_key_file"].get<std::string>());
  if ((rc.encrypt_level != 0) != !rc.encrypt_key_file.empty())
    fail_config("{}: give configs.encrypt_level and configs.encrypt_key_file together (the level, 1 to 3, and the key "
                "file to encrypt the .rknn with)",
                cfg.where(rc.encrypt_level != 0 ? "configs.encrypt_key_file" : "configs.encrypt_level"));
  if (c.contains("hybrid_cfg") && c["hybrid_cfg"].is_string()) rc.hybrid_cfg = resolve_path(base, c["hybrid_cfg"].get<std::string>());
  if (c.contains("op_target") && c["op_target"].is_object())
    for (auto it = c["op_target"].begin(); it != c["op_target"].end(); ++it)
      rc.op_target[it.key()] = it.value().get<std::string>();
  if (c.contains("dynamic_input") && c["dynamic_input"].is_array())
    for (const auto& set : c["dynamic_input"]) {
      rc.dynamic_input.emplace_back();
      for (const auto& shape : set)
        rc.dynamic_input.back().push_back(parse_shape(shape, cfg.where("configs.dynamic_input")));
    }
  if (!rc.mean_values.empty() && !rc.std_values.empty() && rc.mean_values.size() != rc.std_values.size())
    fail_config("{}: {} per-input lists but std_values has {}; give both one list per input",
                cfg.where("configs.mean_values"), rc.mean_values.size(), rc.std_values.size());
  for (size_t i = 0; i < rc.std_values.size(); ++i)
    for (float s : rc.std_values[i])
      if (s == 0.0f)
        fail_config("{}: a std value is 0 (input {}); inputs are divided by std, use a non-zero value",
                    cfg.where("configs.std_values"), i);

  // Echo: the entry as written, with every configs default filled in.
  cfg.echo = entry;
  json& ec = cfg.echo["configs"];
  if (!ec.is_object()) ec = json::object();
  const json defaults = {
      {"mean_values", nullptr}, {"std_values", nullptr}, {"quant_img_RGB2BGR", false},
      {"quantized_dtype", "asymmetric_quantized-8"}, {"quantized_algorithm", "normal"},
      {"quantized_method", "channel"}, {"float_dtype", "float16"}, {"optimization_level", 3},
      {"target_platform", nullptr}, {"custom_string", nullptr}, {"remove_weight", false},
      {"compress_weight", false}, {"single_core_mode", false}, {"model_pruning", false},
      {"op_target", nullptr}, {"dynamic_input", nullptr}, {"quantize_weight", false}, {"remove_reshape", false},
      {"sparse_infer", false}, {"encrypt_level", nullptr}, {"encrypt_key_file", nullptr}};
  for (auto it = defaults.begin(); it != defaults.end(); ++it)
    if (!ec.contains(it.key())) ec[it.key()] = it.value();
  if (!cfg.echo.contains("quantize")) cfg.echo["quantize"] = false;
  if (!cfg.echo.contains("rknn_batch_size")) cfg.echo["rknn_batch_size"] = 1;

  // The platform's model file keys are required (table 3-1).
  for (const auto& key : file_keys(cfg.platform))
    if (!entry.contains(key))
      fail_config("{}: required for platform {}; add the path of the model file (relative to the YAML's folder)",
                  cfg.where(key), cfg.platform);
  // A TorchScript file records no input shapes; Toolkit2 requires them too.
  if (cfg.platform == "pytorch" && cfg.subgraphs.input_size_list.empty())
    fail_config("{}: required for platform pytorch (a TorchScript file records no input shapes); add one shape per "
                "model input, e.g. subgraphs: {{input_size_list: [\"1, 3, 224, 224\"]}}",
                cfg.where("subgraphs.input_size_list"));
  if (options.reject_unsupported) check_supported(cfg);
  if (options.check_files)
    for (const auto& key : file_keys(cfg.platform)) {
      const fs::path p = resolve_path(base, entry[key].get<std::string>());
      std::error_code ec2;
      if (!fs::is_regular_file(p, ec2))
        fail_config("{}: {} not found; fix the path (it is relative to the YAML's folder)", cfg.where(key),
                    p.string());
    }
  return cfg;
}

}  // namespace

std::string ModelConfig::where(const std::string& key) const { return fmt::format("{}: {}", yaml_path.string(), key); }

std::vector<ModelConfig> parse_model_configs(const std::string& yaml_text, const fs::path& yaml_path,
                                             const LoadOptions& options) {
  const std::string file = file_label(yaml_path);
  const json doc = yaml_text_to_json(yaml_text, file);
  if (!doc.is_object())
    fail_config("{}: models: the file must be a mapping with a top-level `models:` key (004 §3.1.6); got {}", file,
                doc.is_null() ? "an empty file" : fmt::format("a {}", doc.type_name()));
  const json schema = load_schema(kSchema);
  validate_or_fail(doc, schema, file);
  std::vector<std::string> top_warnings;
  warn_unknown(doc, schema, &schema, file, "", top_warnings);

  const json& models = doc["models"];
  std::vector<ModelConfig> out;
  if (models.is_object()) {
    out.push_back(build_entry(models, schema, yaml_path, "", options));
  } else {
    for (size_t i = 0; i < models.size(); ++i) {
      if (!models[i].is_object())
        fail_config("{}: models[{}]: got {}; expected a mapping with name, platform, model_file_path, …", file, i,
                    json_text(models[i]));
      out.push_back(build_entry(models[i], schema, yaml_path, fmt::format("models[{}].", i), options));
    }
    for (size_t i = 0; i < out.size(); ++i)
      for (size_t j = 0; j < i; ++j)
        if (out[i].name == out[j].name)
          fail_config("{}: models[{}].name: '{}' is used twice (models[{}]); give each model its own name", file, i,
                      out[i].name, j);
  }
  out.front().warnings.insert(out.front().warnings.begin(), top_warnings.begin(), top_warnings.end());
  return out;
}

std::vector<ModelConfig> load_model_configs(const fs::path& yaml_path, const LoadOptions& options) {
  return parse_model_configs(read_yaml_file(yaml_path), yaml_path, options);
}

ModelConfig load_model_config(const fs::path& yaml_path, const LoadOptions& options) {
  auto all = load_model_configs(yaml_path, options);
  ModelConfig first = std::move(all.front());
  if (all.size() > 1)
    first.warnings.push_back(fmt::format("{}: models has {} entries; converting only the first ('{}')",
                                         file_label(yaml_path), all.size(), first.name));
  return first;
}

}  // namespace rknnc::config
