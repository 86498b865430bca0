// Element-wise ops: activations, arithmetic with tensors or numbers.
#include <cmath>

#include "frontends/pytorch/aten_args.h"

namespace rknnc::frontends::pytorch {
namespace {

// aten ops that are one ONNX op of one input.
const std::map<std::string, std::string> kUnary = {
    {"aten::relu", "Relu"}, {"aten::sigmoid", "Sigmoid"},   {"aten::tanh", "Tanh"},
    {"aten::hardswish", "HardSwish"}, {"aten::sqrt", "Sqrt"}, {"aten::exp", "Exp"},
    {"aten::log", "Log"},   {"aten::neg", "Neg"},           {"aten::abs", "Abs"},
    {"aten::erf", "Erf"},   {"aten::reciprocal", "Reciprocal"}, {"aten::floor", "Floor"},
    {"aten::softplus", "Softplus"}};

void unary(OnnxBuilder& b, const TorchNode& n) {
  std::string kind = n.kind;
  if (!kUnary.count(kind)) kind.pop_back();  // the in-place form, relu_
  b.node(kUnary.at(kind), {b.in(arg(n, 0))}, {b.out()});
}

// An operand that may be a number: a 0-d constant of the other operand's type.
// A constant tensor of another type (a size turned into a tensor) is cast the
// same way.
std::string operand(OnnxBuilder& b, const Arg& a, const std::string& like) {
  if (a.kind == Arg::Kind::Int || a.kind == Arg::Kind::Float || a.kind == Arg::Kind::Bool)
    return b.scalar_like(a.kind == Arg::Kind::Float ? a.f : static_cast<double>(a.i), like);
  const ir::DataType want = b.info(like).quant ? ir::DataType::Float32 : b.info(like).dtype;
  if (b.is_constant(a) && !b.info_of(a).quant && b.constant(a).dtype() != want && b.constant(a).numel() == 1)
    return b.scalar_like(b.constant(a).get_as_double(0), like);
  return b.in(a);
}

// The tensor operand that sets the type of a binary op.
const std::string& typed_operand(const TorchNode& n) {
  return arg(n, 0).kind == Arg::Kind::Tensor ? arg(n, 0).tensor : arg(n, 1).tensor;
}

// aten::add / sub(a, b, alpha): a ± alpha * b
void add_sub(OnnxBuilder& b, const TorchNode& n, const char* op) {
  const std::string& like = typed_operand(n);
  std::string rhs = operand(b, arg(n, 1), like);
  if (n.inputs.size() > 2 && float_arg(b, n, 2) != 1) rhs = b.step("Mul", {rhs, b.scalar_like(float_arg(b, n, 2), like)});
  b.node(op, {operand(b, arg(n, 0), like), rhs}, {b.out()});
}

// aten::rsub(a, b, alpha) = b - alpha * a
void rsub(OnnxBuilder& b, const TorchNode& n) {
  const std::string& like = typed_operand(n);
  std::string rhs = operand(b, arg(n, 0), like);
  if (n.inputs.size() > 2 && float_arg(b, n, 2) != 1) rhs = b.step("Mul", {rhs, b.scalar_like(float_arg(b, n, 2), like)});
  b.node("Sub", {operand(b, arg(n, 1), like), rhs}, {b.out()});
}

void binary(OnnxBuilder& b, const TorchNode& n, const char* op) {
  const std::string& like = typed_operand(n);
  b.node(op, {operand(b, arg(n, 0), like), operand(b, arg(n, 1), like)}, {b.out()});
}

void div(OnnxBuilder& b, const TorchNode& n) {
  if (n.inputs.size() > 2 && !is_none(n, 2)) b.unsupported("division with rounding_mode");
  binary(b, n, "Div");
}

std::string bound(OnnxBuilder& b, const TorchNode& n, size_t i) {
  if (is_none(n, i)) return "";
  if (arg(n, i).kind == Arg::Kind::Tensor) return b.in(arg(n, i));
  return b.floats({static_cast<float>(float_arg(b, n, i))}, true);
}

// aten::hardtanh / clamp(x, min, max), relu6 → Clip
void clip(OnnxBuilder& b, const TorchNode& n) {
  std::vector<std::string> inputs{b.in(arg(n, 0)), bound(b, n, 1), bound(b, n, 2)};
  while (inputs.back().empty()) inputs.pop_back();
  b.node("Clip", inputs, {b.out()});
}

void relu6(OnnxBuilder& b, const TorchNode& n) {
  b.node("Clip", {b.in(arg(n, 0)), b.floats({0}, true), b.floats({6}, true)}, {b.out()});
}

void hardsigmoid(OnnxBuilder& b, const TorchNode& n) {
  auto& h = b.node("HardSigmoid", {b.in(arg(n, 0))}, {b.out()});
  set_attr(h, "alpha", 1.0f / 6);
  set_attr(h, "beta", 0.5f);
}

// x * sigmoid(x), as torch.onnx.export writes SiLU
void silu(OnnxBuilder& b, const TorchNode& n) {
  const std::string x = b.in(arg(n, 0));
  b.node("Mul", {x, b.step("Sigmoid", {x})}, {b.out()});
}

// GELU as torch.onnx.export writes it at opset 17: x * (erf(x / √2) + 1) * 0.5,
// or the tanh approximation 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³))).
void gelu(OnnxBuilder& b, const TorchNode& n) {
  const std::string x = b.in(arg(n, 0));
  const bool tanh = n.inputs.size() > 1 && arg(n, 1).kind == Arg::Kind::String && arg(n, 1).s == "tanh";
  std::string inner;
  if (tanh) {
    const std::string cube = b.step("Pow", {x, b.floats({3}, true)});
    const std::string sum = b.step("Add", {x, b.step("Mul", {cube, b.floats({0.044715f}, true)})});
    inner = b.step("Tanh", {b.step("Mul", {sum, b.floats({static_cast<float>(std::sqrt(2 / M_PI))}, true)})});
  } else {
    inner = b.step("Erf", {b.step("Div", {x, b.floats({static_cast<float>(M_SQRT2)}, true)})});
  }
  const std::string plus_one = b.step("Add", {inner, b.floats({1}, true)});
  b.node("Mul", {b.step("Mul", {x, plus_one}), b.floats({0.5f}, true)}, {b.out()});
}

void leaky_relu(OnnxBuilder& b, const TorchNode& n) {
  auto& l = b.node("LeakyRelu", {b.in(arg(n, 0))}, {b.out()});
  set_attr(l, "alpha", static_cast<float>(n.inputs.size() > 1 ? float_arg(b, n, 1) : 0.01));
}

void elu(OnnxBuilder& b, const TorchNode& n) {
  if ((n.inputs.size() > 2 && float_arg(b, n, 2) != 1) || (n.inputs.size() > 3 && float_arg(b, n, 3) != 1))
    b.unsupported("ELU with scale or input_scale");
  auto& e = b.node("Elu", {b.in(arg(n, 0))}, {b.out()});
  set_attr(e, "alpha", static_cast<float>(float_arg(b, n, 1)));
}

void pow(OnnxBuilder& b, const TorchNode& n) { binary(b, n, "Pow"); }

}  // namespace

void add_elementwise_mappings(std::map<std::string, AtenMapping>& t) {
  for (const auto& [kind, op] : kUnary) t[kind] = unary;
  t["aten::hardsigmoid"] = hardsigmoid;
  t["aten::silu"] = silu;
  t["aten::gelu"] = gelu;
  t["aten::leaky_relu"] = leaky_relu;
  t["aten::elu"] = elu;
  t["aten::hardtanh"] = clip;
  t["aten::clamp"] = clip;
  t["aten::clip"] = clip;
  t["aten::relu6"] = relu6;
  t["aten::add"] = [](OnnxBuilder& b, const TorchNode& n) { add_sub(b, n, "Add"); };
  t["aten::sub"] = [](OnnxBuilder& b, const TorchNode& n) { add_sub(b, n, "Sub"); };
  t["aten::rsub"] = rsub;
  t["aten::mul"] = [](OnnxBuilder& b, const TorchNode& n) { binary(b, n, "Mul"); };
  t["aten::div"] = div;
  t["aten::pow"] = pow;
}

}  // namespace rknnc::frontends::pytorch
