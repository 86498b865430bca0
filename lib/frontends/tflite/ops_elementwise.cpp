// Element-wise operators: they run in whichever layout their inputs have;
// binary ones bring a constant operand into NCHW broadcast form.
#include "frontends/tflite/ops.h"

namespace rknnc::frontends::tflite {
namespace {

// A constant that broadcasts against an NHWC tensor, as one that broadcasts
// against its NCHW form ([C] → [1,C,1,1]); empty when its bytes would move.
std::optional<std::string> constant_for_nchw(Translation& t, int c) {
  std::vector<int64_t> s = t.shape(c);
  int64_t count = 1;
  for (int64_t d : s) count *= d;
  if (count == 1) return t.native(c);
  if (s.size() > 4) return std::nullopt;
  s.insert(s.begin(), 4 - s.size(), 1);
  if (s[3] != 1 && s[1] * s[2] != 1) return std::nullopt;
  std::vector<int64_t> id(t.rank(c));
  for (size_t i = 0; i < id.size(); ++i) id[i] = static_cast<int64_t>(i);
  return t.weight(c, id, {s[0], s[3], s[1], s[2]});
}

// Operands of an element-wise operator in one layout: NCHW when the output is
// 4-D and an input already is, TFLite order otherwise.
std::pair<std::vector<std::string>, bool> operands(Translation& t, const std::vector<int>& inputs) {
  bool nchw = t.rank(t.out(0)) == 4, any_nchw = false;
  std::vector<std::string> names;
  for (int x : inputs) {
    if (t.file.is_constant(x)) continue;
    any_nchw = any_nchw || (t.rank(x) == 4 && t.has_nchw(x));
    nchw = nchw && t.rank(x) == 4;
  }
  if (nchw && any_nchw) {
    for (int x : inputs) {
      if (!t.file.is_constant(x) || t.rank(x) == 4) {
        names.push_back(t.nchw(x));
        continue;
      }
      const auto c = constant_for_nchw(t, x);
      if (!c) break;
      names.push_back(*c);
    }
    if (names.size() == inputs.size()) return {names, true};
  }
  names.clear();
  for (int x : inputs) names.push_back(t.native(x));
  return {names, false};
}

template <typename Options>
void binary(Translation& t, const char* onnx_op) {
  const auto [names, nchw] = operands(t, {t.in(0), t.in(1)});
  const Options* o = t.op().builtin_options_as<Options>();
  t.define(0, t.node(onnx_op, names), nchw, o ? o->fused_activation_function() : fb::ActivationFunctionType::NONE);
}

void add(Translation& t) { binary<fb::AddOptions>(t, "Add"); }
void sub(Translation& t) { binary<fb::SubOptions>(t, "Sub"); }
void mul(Translation& t) { binary<fb::MulOptions>(t, "Mul"); }
void div(Translation& t) { binary<fb::DivOptions>(t, "Div"); }

void prelu(Translation& t) {
  const auto [names, nchw] = operands(t, {t.in(0), t.in(1)});
  t.define(0, t.node("PRelu", names), nchw);
}

// A unary operator keeps the layout its input has.
void unary(Translation& t, const std::string& onnx_op, const std::vector<onnx::AttributeProto>& attrs = {}) {
  const int x = t.in(0);
  const bool nchw = t.rank(x) == 4 && t.has_nchw(x);
  t.define(0, t.node(onnx_op, {nchw ? t.nchw(x) : t.native(x)}, attrs), nchw);
}

void activation(Translation& t, fb::ActivationFunctionType act) {
  const int x = t.in(0);
  const bool nchw = t.rank(x) == 4 && t.has_nchw(x);
  t.define(0, t.activation(act, nchw ? t.nchw(x) : t.native(x), t.result_name()), nchw);
}

void logistic(Translation& t) { unary(t, "Sigmoid"); }
void tanh_op(Translation& t) { unary(t, "Tanh"); }
void exp_op(Translation& t) { unary(t, "Exp"); }
void hard_swish(Translation& t) { unary(t, "HardSwish"); }
void leaky_relu(Translation& t) {
  const auto* o = t.op().builtin_options_as<fb::LeakyReluOptions>();
  unary(t, "LeakyRelu", {attr_float("alpha", o ? o->alpha() : 0.2f)});
}
void relu(Translation& t) { activation(t, fb::ActivationFunctionType::RELU); }
void relu6(Translation& t) { activation(t, fb::ActivationFunctionType::RELU6); }
void relu_n1_to_1(Translation& t) { activation(t, fb::ActivationFunctionType::RELU_N1_TO_1); }
// QUANTIZE / DEQUANTIZE: the value stays float; the output's own parameters
// (if any) become its QuantizeLinear / DequantizeLinear pair.
void requantize(Translation& t) { t.alias(0, t.in(0)); }

}  // namespace

void add_elementwise_ops(std::map<fb::BuiltinOperator, OpTranslation>& table) {
  table[fb::BuiltinOperator::ADD] = add;
  table[fb::BuiltinOperator::SUB] = sub;
  table[fb::BuiltinOperator::MUL] = mul;
  table[fb::BuiltinOperator::DIV] = div;
  table[fb::BuiltinOperator::PRELU] = prelu;
  table[fb::BuiltinOperator::LOGISTIC] = logistic;
  table[fb::BuiltinOperator::TANH] = tanh_op;
  table[fb::BuiltinOperator::EXP] = exp_op;
  table[fb::BuiltinOperator::HARD_SWISH] = hard_swish;
  table[fb::BuiltinOperator::LEAKY_RELU] = leaky_relu;
  table[fb::BuiltinOperator::RELU] = relu;
  table[fb::BuiltinOperator::RELU6] = relu6;
  table[fb::BuiltinOperator::RELU_N1_TO_1] = relu_n1_to_1;
  table[fb::BuiltinOperator::QUANTIZE] = requantize;
  table[fb::BuiltinOperator::DEQUANTIZE] = requantize;
}

}  // namespace rknnc::frontends::tflite
