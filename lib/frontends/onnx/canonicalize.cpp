#include "frontends/onnx/canonicalize.h"

#include <functional>

#include "util/error.h"

namespace rknnc::frontends::onnx_detail {
namespace {

using ir::DataType;
using ir::Node;
using ir::Tensor;

// Adds `t` as a new constant input of `n` at position `index` (absent inputs
// in between become "").
void set_const_input(ir::Graph& g, Node& n, size_t index, const std::string& suffix, Tensor t) {
  const std::string name = g.unique_name(n.name + "_" + suffix);
  g.add_constant(name, std::move(t));
  if (n.inputs.size() <= index) n.inputs.resize(index + 1);
  n.inputs[index] = name;
}

// Moves an ints attribute to a 1-D int64 input (Split split, Squeeze axes, Pad pads …).
void ints_attr_to_input(ir::Graph& g, Node& n, const std::string& attr, size_t index) {
  if (!n.attrs.has(attr)) return;
  auto values = n.attrs.get_ints(attr);
  n.attrs.erase(attr);
  set_const_input(g, n, index, attr, Tensor::from<int64_t>({static_cast<int64_t>(values.size())}, values));
}

void upgrade_clip(ir::Graph& g, Node& n) {  // opset < 11
  const float lo = n.attrs.get_float("min", -3.4028234663852886e38f);
  const float hi = n.attrs.get_float("max", 3.4028234663852886e38f);
  n.attrs.erase("min");
  n.attrs.erase("max");
  set_const_input(g, n, 1, "min", Tensor::from<float>({}, {lo}));
  set_const_input(g, n, 2, "max", Tensor::from<float>({}, {hi}));
}

void upgrade_pad(ir::Graph& g, Node& n) {  // opset < 11
  ints_attr_to_input(g, n, "pads", 1);
  const float value = n.attrs.get_float("value", 0.0f);
  n.attrs.erase("value");
  set_const_input(g, n, 2, "value", Tensor::from<float>({}, {value}));
}

void upgrade_slice(ir::Graph& g, Node& n) {  // opset < 10
  ints_attr_to_input(g, n, "starts", 1);
  ints_attr_to_input(g, n, "ends", 2);
  ints_attr_to_input(g, n, "axes", 3);
}

void upgrade_top_k(ir::Graph& g, Node& n) {  // opset < 10: k is an attribute
  const int64_t k = n.attrs.get_int("k", 0);
  n.attrs.erase("k");
  set_const_input(g, n, 1, "k", Tensor::from<int64_t>({1}, {k}));
}

// Upsample (opset 7–9) and Resize opset 10 have no roi input: make them
// Resize(X, roi="", scales) with Upsample's asymmetric coordinates.
void upgrade_resize(ir::Graph& g, Node& n) {
  if (n.op_type == "Upsample" && n.attrs.has("scales")) {
    auto scales = n.attrs.get_floats("scales");
    n.attrs.erase("scales");
    set_const_input(g, n, 1, "scales", Tensor::from<float>({static_cast<int64_t>(scales.size())}, scales));
  }
  const std::string scales = n.input(1);
  n.inputs.resize(1);
  n.inputs.push_back("");  // roi
  n.inputs.push_back(scales);
  std::string mode = n.attrs.get_string("mode", "nearest");
  if (mode == "bilinear") mode = "linear";
  n.attrs.set("mode", mode);
  n.attrs.set("coordinate_transformation_mode", std::string("asymmetric"));
  if (mode == "nearest") n.attrs.set("nearest_mode", std::string("floor"));
  n.op_type = "Resize";
}

// Softmax/LogSoftmax/Hardmax before opset 13 coerce the input to 2-D at
// `axis`. Equal to the new form when axis is the last dim; otherwise wrap it
// in Flatten → op(axis=-1) → Reshape(original shape).
void upgrade_softmax(ir::Graph& g, std::unique_ptr<Node>& slot, std::vector<std::unique_ptr<Node>>& extra) {
  Node& n = *slot;
  const ir::ValueInfo* vi = g.info(n.input(0));
  const int64_t axis = n.attrs.get_int("axis", 1);
  if (!vi || !vi->has_shape) fail("node '{}' ({}): input rank unknown, cannot convert opset < 13 semantics", n.name, n.op_type);
  const auto rank = vi->shape.size();
  const int64_t a = ir::normalize_axis(axis, rank, "node '" + n.name + "'");
  n.attrs.set("axis", int64_t{-1});
  if (a == static_cast<int64_t>(rank) - 1) return;
  const std::string in = n.input(0), out = n.outputs[0];
  const std::string flat = g.unique_name(n.name + "_flat"), soft = g.unique_name(n.name + "_2d");
  const std::string shape = g.unique_name(n.name + "_shape");
  auto flatten = std::make_unique<Node>(Node{g.unique_name(n.name + "_flatten"), "Flatten", "", {in}, {flat}, {}});
  flatten->attrs.set("axis", a);
  g.add_constant(shape, Tensor::from<int64_t>({static_cast<int64_t>(rank)}, vi->shape));
  int64_t outer = 1, inner = 1;
  for (size_t d = 0; d < rank; ++d) (static_cast<int64_t>(d) < a ? outer : inner) *= vi->shape[d];
  g.values[flat] = ir::ValueInfo{vi->dtype, {outer, inner}, true};
  g.values[soft] = g.values[flat];
  auto reshape = std::make_unique<Node>(Node{g.unique_name(n.name + "_unflatten"), "Reshape", "", {soft, shape}, {out}, {}});
  n.inputs[0] = flat;
  n.outputs[0] = soft;
  extra.push_back(std::move(flatten));
  extra.push_back(std::move(reshape));
}

}  // namespace

void canonicalize_opsets(ir::Graph& g) {
  const int64_t opset = g.opset;
  std::vector<std::unique_ptr<Node>> extra;
  for (auto& slot : g.nodes) {
    Node& n = *slot;
    const std::string& op = n.op_type;
    if (op == "Clip" && opset < 11) upgrade_clip(g, n);
    else if (op == "Pad" && opset < 11) upgrade_pad(g, n);
    else if (op == "Slice" && opset < 10) upgrade_slice(g, n);
    else if (op == "Split" && opset < 13) ints_attr_to_input(g, n, "split", 1);
    else if ((op == "Squeeze" || op == "Unsqueeze" || op == "ReduceSum") && opset < 13) ints_attr_to_input(g, n, "axes", 1);
    else if (op == "TopK" && opset < 10) upgrade_top_k(g, n);
    else if (op == "Upsample" || (op == "Resize" && opset < 11)) upgrade_resize(g, n);
    else if ((op == "Softmax" || op == "LogSoftmax" || op == "Hardmax") && opset < 13) upgrade_softmax(g, slot, extra);
  }
  for (auto& n : extra) g.add_node(std::move(n));
  if (!extra.empty()) g.sort_topologically();
}

}  // namespace rknnc::frontends::onnx_detail
