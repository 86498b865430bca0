#include "quant/op_rules.h"

#include <algorithm>
#include <array>

namespace rknnc::quant {
namespace {

bool clamp_or_no_activation(const ir::Node& n) {
  const std::string act = n.attrs.get_string("activation", "");
  return act.empty() || act == "Relu" || act == "Clip";
}

bool constant_of_rank(const ir::Graph& g, const ir::Node& n, size_t i, size_t rank) {
  const ir::Tensor* t = n.has_input(i) ? g.constant(n.input(i)) : nullptr;
  return t && t->dtype() == ir::DataType::Float32 && t->shape().size() == rank;
}

bool accepts_conv(const ir::Graph& g, const ir::Node& n) {
  const ir::Tensor* w = n.has_input(1) ? g.constant(n.input(1)) : nullptr;
  return w && w->dtype() == ir::DataType::Float32 && w->shape().size() >= 3 &&
         (!n.has_input(2) || constant_of_rank(g, n, 2, 1)) && clamp_or_no_activation(n);
}

bool accepts_gemm(const ir::Graph& g, const ir::Node& n) {
  const auto& a = n.attrs;
  if (a.get_int("transA", 0) != 0 || a.get_int("transB", 0) != 1 || a.get_float("alpha", 1.f) != 1.f ||
      a.get_float("beta", 1.f) != 1.f || !constant_of_rank(g, n, 1, 2) || !clamp_or_no_activation(n))
    return false;
  if (!n.has_input(2)) return true;
  const ir::Tensor* c = g.constant(n.input(2));
  return c && c->dtype() == ir::DataType::Float32 && c->numel() == g.constant(n.input(1))->shape()[0] &&
         c->shape().size() <= 2;
}

bool accepts_add(const ir::Graph&, const ir::Node& n) { return clamp_or_no_activation(n); }

// A graph input, or a Sub / Div of one by a constant (mean / std
// normalisation: mean_values / std_values or the model's own), or a chain of those.
bool input_stage(const ir::Graph& g, const std::string& v) {
  if (std::find(g.inputs.begin(), g.inputs.end(), v) != g.inputs.end()) return true;
  const ir::Node* p = g.producer(v);
  return p && (p->op_type == "Sub" || p->op_type == "Div") && p->inputs.size() == 2 && g.is_constant(p->input(1)) &&
         input_stage(g, p->input(0));
}

// Sub / Div, except the input normalisation, which stays the float input
// stage ahead of quantisation (the placement's CPU input stage): quantising
// raw pixels instead rounds exact ties (e.g. 121 / (242/255) = 127.5) that a
// float32 QuantizeLinear rounds the other way.
bool accepts_sub_div(const ir::Graph& g, const ir::Node& n) {
  if (!clamp_or_no_activation(n)) return false;
  return !(n.inputs.size() == 2 && g.is_constant(n.input(1)) && input_stage(g, n.input(0)));
}

bool no_activation(const ir::Graph&, const ir::Node& n) { return n.attrs.get_string("activation", "").empty(); }

// ConvTranspose: constant float weights [C, M/group, k...], optional constant bias [M].
bool accepts_conv_transpose(const ir::Graph& g, const ir::Node& n) {
  const ir::Tensor* w = n.has_input(1) ? g.constant(n.input(1)) : nullptr;
  return w && w->dtype() == ir::DataType::Float32 && w->shape().size() == 4 &&
         (!n.has_input(2) || constant_of_rank(g, n, 2, 1)) && clamp_or_no_activation(n);
}

// nearest picks input values; linear (bilinear) mixes neighbours with weights summing to 1.
bool nearest_or_linear_resize(const ir::Graph&, const ir::Node& n) {
  const std::string mode = n.attrs.get_string("mode", "nearest");
  return mode == "nearest" || (mode == "linear" && n.attrs.get_string("coordinate_transformation_mode", "half_pixel") !=
                                                       "tf_crop_and_resize");
}

bool gathers_activation(const ir::Graph& g, const ir::Node& n) { return !g.is_constant(n.input(0)); }

constexpr std::array kRules = {
    OpRule{"Conv", QuantKind::Weighted, accepts_conv},
    OpRule{"Gemm", QuantKind::Weighted, accepts_gemm},
    OpRule{"ConvTranspose", QuantKind::Weighted, accepts_conv_transpose},
    OpRule{"Add", QuantKind::Arithmetic, accepts_add},
    OpRule{"Sub", QuantKind::Arithmetic, accepts_sub_div},
    OpRule{"Mul", QuantKind::Arithmetic, nullptr},
    OpRule{"Div", QuantKind::Arithmetic, accepts_sub_div},
    OpRule{"PRelu", QuantKind::Arithmetic, no_activation},
    OpRule{"MatMul", QuantKind::Arithmetic, nullptr},
    OpRule{"Concat", QuantKind::Arithmetic, nullptr},
    OpRule{"AveragePool", QuantKind::Arithmetic, nullptr},
    OpRule{"GlobalAveragePool", QuantKind::Arithmetic, nullptr},
    OpRule{"ReduceMean", QuantKind::Single, no_activation},
    OpRule{"Softmax", QuantKind::Single, no_activation},
    OpRule{"Sigmoid", QuantKind::Lookup, nullptr},
    OpRule{"Tanh", QuantKind::Lookup, nullptr},
    OpRule{"Relu", QuantKind::Lookup, nullptr},
    OpRule{"LeakyRelu", QuantKind::Lookup, nullptr},
    OpRule{"HardSigmoid", QuantKind::Lookup, nullptr},
    OpRule{"HardSwish", QuantKind::Lookup, nullptr},
    OpRule{"Clip", QuantKind::Lookup, nullptr},
    OpRule{"Exp", QuantKind::Lookup, nullptr},
    OpRule{"Erf", QuantKind::Lookup, nullptr},
    OpRule{"Elu", QuantKind::Lookup, nullptr},
    OpRule{"Selu", QuantKind::Lookup, nullptr},
    OpRule{"Celu", QuantKind::Lookup, nullptr},
    OpRule{"Softplus", QuantKind::Lookup, nullptr},
    OpRule{"Mish", QuantKind::Lookup, nullptr},
    OpRule{"Gelu", QuantKind::Lookup, nullptr},
    OpRule{"ThresholdedRelu", QuantKind::Lookup, nullptr},
    OpRule{"Reshape", QuantKind::Passthrough, nullptr},
    OpRule{"Flatten", QuantKind::Passthrough, nullptr},
    OpRule{"Transpose", QuantKind::Passthrough, nullptr},
    OpRule{"Squeeze", QuantKind::Passthrough, nullptr},
    OpRule{"Unsqueeze", QuantKind::Passthrough, nullptr},
    OpRule{"Identity", QuantKind::Passthrough, nullptr},
    OpRule{"Slice", QuantKind::Passthrough, nullptr},
    OpRule{"Split", QuantKind::Passthrough, nullptr},
    OpRule{"Gather", QuantKind::Passthrough, gathers_activation},
    OpRule{"Expand", QuantKind::Passthrough, nullptr},
    OpRule{"Tile", QuantKind::Passthrough, nullptr},
    OpRule{"DepthToSpace", QuantKind::Passthrough, nullptr},
    OpRule{"SpaceToDepth", QuantKind::Passthrough, nullptr},
    OpRule{"MaxPool", QuantKind::Passthrough, nullptr},
    OpRule{"GlobalMaxPool", QuantKind::Passthrough, nullptr},
    OpRule{"Pad", QuantKind::Passthrough, nullptr},
    OpRule{"Resize", QuantKind::Passthrough, nearest_or_linear_resize},
};

}  // namespace

const OpRule* find_rule(const ir::Graph& g, const ir::Node& node) {
  if (!node.domain.empty() || node.inputs.empty() || node.outputs.empty()) return nullptr;
  const ir::ValueInfo* in = g.info(node.input(0));
  if (!in || in->dtype != ir::DataType::Float32) return nullptr;
  for (const OpRule& r : kRules)
    if (node.op_type == r.op) return !r.accepts || r.accepts(g, node) ? &r : nullptr;
  return nullptr;
}

}  // namespace rknnc::quant
