#include "quant/hybrid_cfg.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <regex>

#include "quant/quantize_graph.h"

namespace rknnc::quant {
namespace {

// A tensor name as a YAML key: plain when that is unambiguous, else double-quoted.
std::string yaml_key(const std::string& name) {
  static const std::regex kPlain("^[A-Za-z_/][A-Za-z0-9_./:\\-]*$");
  if (std::regex_match(name, kPlain) && name.back() != ':') return name;
  std::string out = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// The float, exactly (the shortest double that reads back as it), always with
// a decimal point or exponent so YAML reads it as a float, as Toolkit2 writes.
std::string yaml_float(float v) {
  std::string s = fmt::format("{}", static_cast<double>(v));
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  return s;
}

void write_list(std::string& out, const char* key, const std::string& value) {
  out += fmt::format("        {}:\n        - {}\n", key, value);
}

void write_tensor(std::string& out, const std::string& name, const CfgTensor& t) {
  if (!t.comment.empty()) out += fmt::format("    # {}\n", t.comment);
  out += fmt::format("    {}:\n", yaml_key(name));
  out += fmt::format("        qtype: {}\n        qmethod: layer\n        dtype: int8\n", kCfgQtype);
  write_list(out, "min", yaml_float(t.min));
  write_list(out, "max", yaml_float(t.max));
  write_list(out, "scale", yaml_float(t.params.scale_at(0)));
  write_list(out, "zero_point", std::to_string(t.params.zero_point_at(0)));
  write_list(out, "ori_min", yaml_float(t.ori_min));
  write_list(out, "ori_max", yaml_float(t.ori_max));
}

}  // namespace

CfgTensor cfg_tensor(const Calibration& cal, const std::string& t) {
  const Range r = cal.range(t);
  const TensorStats& s = cal.stats.at(t);
  CfgTensor e;
  e.ori_min = s.min();
  e.ori_max = s.max();
  e.min = std::min(0.f, r.lo);
  e.max = std::max(0.f, r.hi);
  e.params = activation_params(r);
  return e;
}

std::string write_hybrid_cfg(const HybridCfg& cfg, const std::string& model_name) {
  std::string out = fmt::format(
      "# {0}.quantization.cfg: hybrid quantisation of {0}, written by `rknnc hybrid step1` (docs/hybrid.md).\n"
      "# Edit it, then build the .rknn with `rknnc hybrid step2` (or configs.hybrid_cfg in the model YAML).\n"
      "# Every edit takes effect or is an error; the tensor names are those of {0}.model.\n"
      "# The model this file belongs to (rknnc extension); step2 refuses the file for any other model.\n"
      "model_sha256: {1}\n"
      "# Layers to compute in half precision instead of int8: `output_tensor: float16`, one per line\n"
      "# (int16 only on targets whose target file lists it). The layer is the op writing that tensor.\n"
      "custom_quantize_layers:\n",
      model_name, cfg.model_sha256);
  for (const auto& line : cfg.custom_header) out += fmt::format("    # {}\n", line);
  for (const CfgLayer& l : cfg.custom_layers) {
    if (!l.comment.empty()) out += fmt::format("    # {}\n", l.comment);
    out += fmt::format("    {}: {}\n", yaml_key(l.tensor), l.dtype);
  }
  if (cfg.custom_layers.empty() && !cfg.tensors.empty()) {  // the example: the layer with the lowest cosine
    auto example = std::min_element(cfg.tensors.begin(), cfg.tensors.end(), [](const auto& a, const auto& b) {
      return a.second.single_cos < b.second.single_cos;
    });
    out += fmt::format("    # {}: float16\n", yaml_key(example->first));
  }
  out +=
      "# Per tensor: the int8 range [min, max] and its scale / zero_point (real = (q - zero_point) * scale).\n"
      "# Edit min/max (scale and zero_point are then derived) or scale/zero_point (used as written).\n"
      "# ori_min / ori_max are the ranges calibration observed, for information. The comment above each\n"
      "# tensor gives its layer's single-layer cosine (int8 vs float32 on the first calibration sample).\n"
      "quantize_parameters:\n";
  for (const auto& [name, t] : cfg.tensors) write_tensor(out, name, t);
  return out;
}

}  // namespace rknnc::quant
