#include "quant/quantize_graph.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "passes/helpers/rewrite.h"
#include "quant/op_rules.h"
#include "quant/qdq_nodes.h"
#include "quant/weights.h"
#include "util/error.h"

namespace rknnc::quant {
namespace {

constexpr const char* kInt8Suffix = "__int8";

class Lowering {
 public:
  Lowering(ir::Graph& g, const Calibration& cal, Method method, const ParamsByTensor* given, bool given_only)
      : g_(g), cal_(cal), method_(method), given_(given), given_only_(given_only && given) {}

  QuantizeStats run() {
    decide();
    const auto nodes = snapshot();  // before converters are added
    keep_output_names_float();
    for (const auto& [node, rule] : nodes) {
      if (rule)
        lower(*node, *rule);
      else
        dequantize_inputs(*node);
    }
    g_.sort_topologically();
    g_.remove_unused_values();
    return stats_;
  }

 private:
  std::vector<std::pair<ir::Node*, const OpRule*>> snapshot() const {
    std::vector<std::pair<ir::Node*, const OpRule*>> out;
    for (const auto& n : g_.nodes) {
      auto it = rules_.find(n.get());
      out.emplace_back(n.get(), it == rules_.end() ? nullptr : it->second);
    }
    return out;
  }

  // Which nodes run int8 and the parameters of every int8 tensor they write.
  void decide() {
    for (const auto& np : g_.nodes) {
      const ir::Node& n = *np;
      const OpRule* rule = find_rule(g_, n);
      if (rule && rule->kind == QuantKind::Passthrough && !params_.count(n.input(0))) rule = nullptr;
      if (rule && given_only_ && !covered(n, *rule)) rule = nullptr;
      if (rule && holds_infinity(n)) rule = nullptr;
      if (!rule) {
        ++stats_.float_nodes;
        ++stats_.float_ops[n.op_type];
        continue;
      }
      rules_[&n] = rule;
      ++stats_.int8_nodes;
      for (const auto& out : n.outputs) {
        if (out.empty()) continue;
        params_[out] = rule->kind == QuantKind::Passthrough ? inherited(n, out) : own_params(out);
      }
    }
  }

  // An input holding ±inf (a constant, or an activation in some calibration
  // sample): an additive attention mask of -inf and the Softmax reading the sum.
  // int8 would clamp the infinity to the range's end and unmask; the node runs in float.
  bool holds_infinity(const ir::Node& n) {
    for (const auto& in : n.inputs) {
      if (in.empty()) continue;
      const ir::Tensor* c = g_.constant(in);
      const auto st = cal_.stats.find(in);
      const bool inf = c ? c->dtype() == ir::DataType::Float32 &&
                               std::any_of(c->data<float>(), c->data<float>() + c->numel(),
                                           [](float v) { return std::isinf(v); })
                         : st != cal_.stats.end() && st->second.saw_infinity();
      if (!inf) continue;
      warn("node '{}' ({}): input '{}' holds infinite values (an attention mask?), which int8 cannot represent; "
           "the node runs in float", n.name, n.op_type, in);
      return true;
    }
    return false;
  }

  // Every tensor the node would quantise itself has given parameters.
  bool covered(const ir::Node& n, const OpRule& rule) {
    if (rule.kind == QuantKind::Passthrough) return true;
    std::vector<std::string> need;
    const size_t activations = rule.kind == QuantKind::Arithmetic ? n.inputs.size() : 1;
    for (size_t i = 0; i < activations; ++i)
      if (n.has_input(i) && !g_.is_constant(n.input(i)) && !params_.count(n.input(i))) need.push_back(n.input(i));
    for (const auto& out : n.outputs)
      if (!out.empty()) need.push_back(out);
    for (const auto& t : need)
      if (!given_->count(t)) {
        warn("node '{}' ({}): the model gives tensor '{}' no quantisation parameters; the node runs in float", n.name,
             n.op_type, t);
        return false;
      }
    return true;
  }

  // A passthrough output keeps its input's parameters; given ones that differ cannot be honoured.
  ir::QuantParams inherited(const ir::Node& n, const std::string& out) {
    const ir::QuantParams& p = params_.at(n.input(0));
    const ir::QuantParams* g = given(out);
    if (g && !(*g == p))
      warn("node '{}' ({}): the parameters given for '{}' differ from its input's, which a {} keeps; the input's "
           "are used", n.name, n.op_type, out, n.op_type);
    return p;
  }

  const ir::QuantParams* given(const std::string& t) const {
    if (!given_) return nullptr;
    auto it = given_->find(t);
    return it == given_->end() ? nullptr : &it->second;
  }

  template <typename... Args>
  void warn(fmt::format_string<Args...> f, Args&&... args) {
    stats_.warnings.push_back(fmt::format(f, std::forward<Args>(args)...));
  }

  // An int8 graph output T becomes T__int8, and DequantizeLinear writes T.
  void keep_output_names_float() {
    for (size_t i = 0; i < g_.outputs.size(); ++i) {
      const std::string name = g_.outputs[i];
      auto it = params_.find(name);
      if (it == params_.end()) continue;
      const std::string renamed = g_.unique_name(name + kInt8Suffix);
      const ir::ValueInfo float_info = *g_.info(name);
      passes::rename_value(g_, name, renamed);
      for (auto& o : g_.outputs)
        if (o == renamed) o = name;
      params_[renamed] = it->second;
      params_.erase(name);
      g_.values[name] = float_info;
      add_converter("DequantizeLinear", renamed, name, params_.at(renamed));
      dequantized_[renamed] = name;
    }
  }

  void lower(ir::Node& n, const OpRule& rule) {
    switch (rule.kind) {
      case QuantKind::Weighted: lower_weighted(n); break;
      case QuantKind::Arithmetic:
        for (size_t i = 0; i < n.inputs.size(); ++i)
          if (n.has_input(i)) n.inputs[i] = g_.is_constant(n.input(i)) ? add_quantized_constant(n, i) : int8_input(n.input(i));
        break;
      case QuantKind::Lookup:
      case QuantKind::Single: n.inputs[0] = int8_input(n.input(0)); break;
      case QuantKind::Passthrough: break;
    }
    for (const auto& out : n.outputs) {
      if (out.empty()) continue;
      g_.values[out].dtype = ir::DataType::Int8;
      g_.quant[out] = params_.at(out);
    }
  }

  void lower_weighted(ir::Node& n) {
    n.inputs[0] = int8_input(n.input(0));
    const ir::QuantParams& x = g_.quant.at(n.inputs[0]);
    QuantizedConstant w = weight(n);
    if (n.has_input(2)) {
      QuantizedConstant b = quantize_bias(*g_.constant(n.input(2)), x.scale_at(0), w.params);
      set_constant(n, 2, std::move(b));
    }
    set_constant(n, 1, std::move(w));
  }

  // Given symmetric parameters (per tensor or per output channel), else rknnc's own.
  QuantizedConstant weight(const ir::Node& n) {
    const ir::Tensor& t = *g_.constant(n.input(1));
    // ConvTranspose's weights are [C, M/group, k..]: per output channel is axis 1, one scale per M when group is 1.
    const bool transposed = n.op_type == "ConvTranspose";
    const bool per_channel = method_ == Method::Channel && (!transposed || n.attrs.get_int("group", 1) == 1);
    const int axis = transposed ? 1 : 0;
    if (const ir::QuantParams* p = given(n.input(1))) {
      if (symmetric_per_channel(*p, t, transposed && n.attrs.get_int("group", 1) != 1 ? -1 : axis))
        return quantize_with_params(t, *p);
      warn("node '{}' ({}): weight '{}' has parameters the int8 kernels cannot use (zero point not 0, or not per "
           "output channel); rknnc requantises it symmetrically", n.name, n.op_type, n.input(1));
    } else if (given_only_) {
      warn("node '{}' ({}): the model gives weight '{}' no quantisation parameters; rknnc quantises it symmetrically",
           n.name, n.op_type, n.input(1));
    }
    return quantize_weight(t, per_channel, axis);
  }

  std::string add_quantized_constant(ir::Node& n, size_t i) {
    const ir::Tensor& t = *g_.constant(n.input(i));
    if (t.dtype() != ir::DataType::Float32) fail("node '{}': constant input {} is not float32", n.name, i);
    const ir::QuantParams* p = given(n.input(i));
    return set_constant(n, i, p && !p->per_channel() ? quantize_with_params(t, *p) : quantize_constant(t));
  }

  std::string set_constant(ir::Node& n, size_t i, QuantizedConstant c) {
    const std::string name = passes::set_constant_input(g_, n, i, std::move(c.values), n.input(i) + kInt8Suffix);
    g_.quant[name] = std::move(c.params);
    return name;
  }

  // The int8 version of tensor T: T itself, or T quantised once by a QuantizeLinear.
  std::string int8_input(const std::string& t) {
    if (params_.count(t)) return t;
    auto it = quantized_.find(t);
    if (it != quantized_.end()) return it->second;
    const std::string q = g_.unique_name(t + "__q");
    const ir::QuantParams p = own_params(t);
    g_.values[q] = {ir::DataType::Int8, g_.info(t)->shape, g_.info(t)->has_shape};
    g_.quant[q] = p;
    add_converter("QuantizeLinear", t, q, p);
    return quantized_[t] = q;
  }

  // The parameters of a tensor that does not inherit them: given, or from calibration.
  ir::QuantParams own_params(const std::string& t) {
    if (std::find(stats_.own_params.begin(), stats_.own_params.end(), t) == stats_.own_params.end())
      stats_.own_params.push_back(t);
    if (const ir::QuantParams* p = given(t)) return *p;
    return activation_params(cal_.range(t));
  }

  void dequantize_inputs(ir::Node& n) {
    for (auto& in : n.inputs) {
      if (!params_.count(in)) continue;
      auto it = dequantized_.find(in);
      if (it == dequantized_.end()) {
        const std::string f = g_.unique_name(in + "__dq");
        g_.values[f] = {ir::DataType::Float32, g_.info(in)->shape, g_.info(in)->has_shape};
        add_converter("DequantizeLinear", in, f, params_.at(in));
        it = dequantized_.emplace(in, f).first;
      }
      in = it->second;
    }
  }

  void add_converter(const std::string& op, const std::string& in, const std::string& out, const ir::QuantParams& p) {
    add_linear_quant_node(g_, op, in, out, p);
    ++(op == "QuantizeLinear" ? stats_.quantize_nodes : stats_.dequantize_nodes);
  }

  ir::Graph& g_;
  const Calibration& cal_;
  Method method_;
  const ParamsByTensor* given_;
  bool given_only_;
  std::map<const ir::Node*, const OpRule*> rules_;
  std::map<std::string, ir::QuantParams> params_;  // every int8 activation
  std::map<std::string, std::string> quantized_;    // float tensor -> its QuantizeLinear output
  std::map<std::string, std::string> dequantized_;  // int8 tensor -> its DequantizeLinear output
  QuantizeStats stats_;
};

}  // namespace

Method method_from_name(const std::string& name) {
  if (name == "channel") return Method::Channel;
  if (name == "layer") return Method::Layer;
  fail("quantized_method '{}' is not one of layer, channel", name);
}

ir::QuantParams activation_params(Range r) {
  const double lo = std::min(0.0, static_cast<double>(r.lo)), hi = std::max(0.0, static_cast<double>(r.hi));
  const double span = std::max(hi - lo, 1e-6);
  const double scale = span / 255.0;
  const double zero = std::clamp(std::nearbyint(-128.0 - lo / scale), -128.0, 127.0);
  return ir::QuantParams::per_tensor(static_cast<float>(scale), static_cast<int32_t>(zero));
}

QuantizeStats quantize_graph(ir::Graph& graph, const Calibration& calibration, Method method,
                             const ParamsByTensor* given, bool given_only) {
  return Lowering(graph, calibration, method, given, given_only).run();
}

std::string int8_name(const ir::Graph& quantized, const std::string& original) {
  if (quantized.quant.count(original)) return original;
  const std::string renamed = original + kInt8Suffix;
  if (quantized.quant.count(renamed)) return renamed;
  const std::string q = original + "__q";
  return quantized.quant.count(q) ? q : "";
}

}  // namespace rknnc::quant
