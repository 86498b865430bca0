// The table of op mappings and the argument helpers they share.
#include "frontends/pytorch/aten_args.h"

namespace rknnc::frontends::pytorch {

const std::map<std::string, AtenMapping>& aten_mappings() {
  static const std::map<std::string, AtenMapping> table = [] {
    std::map<std::string, AtenMapping> t;
    add_nn_mappings(t);
    add_elementwise_mappings(t);
    add_shape_mappings(t);
    add_quantized_mappings(t);
    return t;
  }();
  return table;
}

int64_t int_arg(OnnxBuilder& b, const TorchNode& n, size_t i) {
  const Arg& a = arg(n, i);
  if (a.kind == Arg::Kind::Int || a.kind == Arg::Kind::Bool) return a.i;
  if (a.kind == Arg::Kind::Ints && a.ints.size() == 1) return a.ints[0];
  b.unsupported(fmt::format("argument {} is not a constant integer", i));
}

double float_arg(OnnxBuilder& b, const TorchNode& n, size_t i) {
  const Arg& a = arg(n, i);
  if (a.kind == Arg::Kind::Float) return a.f;
  if (a.kind == Arg::Kind::Int || a.kind == Arg::Kind::Bool) return static_cast<double>(a.i);
  b.unsupported(fmt::format("argument {} is not a constant number", i));
}

std::vector<int64_t> ints_arg(OnnxBuilder& b, const TorchNode& n, size_t i, size_t count) {
  const Arg& a = arg(n, i);
  if (a.kind == Arg::Kind::Ints) {
    if (a.ints.size() == 1 && count > 1) return std::vector<int64_t>(count, a.ints[0]);
    return a.ints;
  }
  if (a.kind == Arg::Kind::Int) return std::vector<int64_t>(count, a.i);
  b.unsupported(fmt::format("argument {} is not a constant list of integers", i));
}

int64_t axis_arg(OnnxBuilder& b, const TorchNode& n, size_t i, int64_t rank) {
  int64_t axis = int_arg(b, n, i);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= std::max<int64_t>(rank, 1)) b.unsupported(fmt::format("dim {} of a rank-{} tensor", axis, rank));
  return axis;
}

namespace {
onnx::AttributeProto& attr(onnx::NodeProto& node, const std::string& name, onnx::AttributeProto::AttributeType type) {
  auto* a = node.add_attribute();
  a->set_name(name);
  a->set_type(type);
  return *a;
}
}  // namespace

void set_attr(onnx::NodeProto& node, const std::string& name, int64_t value) {
  attr(node, name, onnx::AttributeProto::INT).set_i(value);
}
void set_attr(onnx::NodeProto& node, const std::string& name, float value) {
  attr(node, name, onnx::AttributeProto::FLOAT).set_f(value);
}
void set_attr(onnx::NodeProto& node, const std::string& name, const std::string& value) {
  attr(node, name, onnx::AttributeProto::STRING).set_s(value);
}
void set_attr(onnx::NodeProto& node, const std::string& name, const std::vector<int64_t>& values) {
  auto& a = attr(node, name, onnx::AttributeProto::INTS);
  for (int64_t v : values) a.add_ints(v);
}

}  // namespace rknnc::frontends::pytorch
