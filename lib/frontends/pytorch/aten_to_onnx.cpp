// TorchGraph → ONNX ModelProto (opset 17), node by node through the op
// mappings of aten_ops*.cpp.
#include "frontends/pytorch/aten_to_onnx.h"

#include <fmt/format.h>

#include <algorithm>

#include "frontends/onnx/onnx_proto.h"
#include "frontends/pytorch/onnx_builder.h"
#include "util/error.h"

namespace rknnc::frontends::pytorch {
namespace {

constexpr int64_t kOpset = 17;

void set_value_info(onnx::ValueInfoProto& v, const std::string& name, const TensorInfo& info) {
  v.set_name(name);
  auto* t = v.mutable_type()->mutable_tensor_type();
  t->set_elem_type(static_cast<int>(info.quant ? info.quant->dtype : info.dtype));
  for (int64_t d : info.shape) t->mutable_shape()->add_dim()->set_dim_value(d);
}

// aten::relu_ maps as aten::relu: the walk already follows values, not storage.
std::string functional_kind(const std::string& kind) {
  if (kind.size() > 2 && kind.back() == '_' && kind[kind.size() - 2] != '_') return kind.substr(0, kind.size() - 1);
  return kind;
}

}  // namespace

std::string OnnxBuilder::fresh(const std::string& hint) { return fmt::format("{}__{}", hint, counter_++); }

std::string OnnxBuilder::resolve(const std::string& name) const {
  std::string n = name;
  for (auto it = alias_.find(n); it != alias_.end(); it = alias_.find(n)) n = it->second;
  return n;
}

void OnnxBuilder::add_constant(const std::string& name, const ir::Tensor& t) {
  if (constant_added_[name]) return;
  constant_added_[name] = true;
  onnx::TensorProto& tp = *g_.add_initializer();
  onnx_detail::to_onnx_tensor(t, tp);
  tp.set_name(name);
}

const TensorInfo& OnnxBuilder::info(const std::string& torch_name) const {
  if (const auto it = tg_.values.find(torch_name); it != tg_.values.end()) return it->second;
  TensorInfo& ci = constant_infos_[torch_name];
  const auto c = tg_.constants.find(torch_name);
  if (c == tg_.constants.end()) fail("{}: {} ({}) reads '{}', which has no value", file_, node_->kind, node_->source, torch_name);
  ci.dtype = c->second.dtype();
  ci.shape = c->second.shape();
  if (const auto q = tg_.constant_quant.find(torch_name); q != tg_.constant_quant.end()) ci.quant = q->second;
  return ci;
}

std::string OnnxBuilder::dequantized(const std::string& name) {
  if (const auto it = dequantized_.find(name); it != dequantized_.end()) return it->second;
  const QuantParams& q = *info(name).quant;
  std::vector<int64_t> zps = q.zero_points;
  ir::Tensor zp(q.dtype, {static_cast<int64_t>(zps.size())});
  for (size_t i = 0; i < zps.size(); ++i) {
    if (q.dtype == ir::DataType::UInt8) zp.data<uint8_t>()[i] = static_cast<uint8_t>(zps[i]);
    else if (q.dtype == ir::DataType::Int8) zp.data<int8_t>()[i] = static_cast<int8_t>(zps[i]);
    else zp.data<int32_t>()[i] = static_cast<int32_t>(zps[i]);
  }
  const bool per_tensor = q.axis < 0;
  if (per_tensor) zp = zp.reshaped({});
  const std::string zp_name = fresh(name + "_zero_point");
  add_constant(zp_name, zp);
  const std::string scale = floats(q.scales, per_tensor);
  const std::string out = name + "__dq";
  auto& dq = node("DequantizeLinear", {resolve(name), scale, zp_name}, {out});
  if (!per_tensor) {
    auto* a = dq.add_attribute();
    a->set_name("axis");
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(q.axis);
  }
  dequantized_[name] = out;
  return out;
}

std::string OnnxBuilder::in(const Arg& a) {
  if (a.kind != Arg::Kind::Tensor) unsupported("an argument that should be a tensor is not one");
  std::string t = a.tensor;
  for (auto it = quantized_alias_.find(t); it != quantized_alias_.end(); it = quantized_alias_.find(t)) t = it->second;
  if (const auto c = tg_.constants.find(t); c != tg_.constants.end()) add_constant(t, c->second);
  if (info(t).quant) return dequantized(t);
  return resolve(t);
}

std::vector<std::string> OnnxBuilder::ins(const Arg& a) {
  if (a.kind == Arg::Kind::Tensor) return {in(a)};
  if (a.kind != Arg::Kind::Tensors) unsupported("an argument that should be a list of tensors is not one");
  std::vector<std::string> names;
  for (const auto& t : a.tensors) names.push_back(in(Arg::of_tensor(t)));
  return names;
}

std::string OnnxBuilder::out(size_t i) {
  const std::string& name = node_->outputs.at(i);
  return info(name).quant ? name + "__f" : name;
}

const ir::Shape& OnnxBuilder::out_shape(size_t i) const { return info(node_->outputs.at(i)).shape; }

int64_t OnnxBuilder::rank(const Arg& a) const { return static_cast<int64_t>(info(a.tensor).shape.size()); }

void OnnxBuilder::alias(const std::string& input, size_t i) { alias_[out(i)] = input; }

onnx::NodeProto& OnnxBuilder::node(const std::string& op, const std::vector<std::string>& inputs,
                                   const std::vector<std::string>& outputs) {
  onnx::NodeProto& n = *g_.add_node();
  n.set_op_type(op);
  n.set_name(fresh(node_ ? node_->outputs.empty() ? op : node_->outputs[0] : op));
  for (const auto& i : inputs) n.add_input(i);
  for (const auto& o : outputs) n.add_output(o);
  return n;
}

std::string OnnxBuilder::step(const std::string& op, const std::vector<std::string>& inputs) {
  const std::string out_name = fresh(node_->outputs.empty() ? op : node_->outputs[0]);
  node(op, inputs, {out_name});
  return out_name;
}

std::string OnnxBuilder::ints(const std::vector<int64_t>& values, bool scalar) {
  return tensor(ir::Tensor::from<int64_t>(scalar ? ir::Shape{} : ir::Shape{static_cast<int64_t>(values.size())}, values));
}

std::string OnnxBuilder::floats(const std::vector<float>& values, bool scalar) {
  return tensor(ir::Tensor::from<float>(scalar ? ir::Shape{} : ir::Shape{static_cast<int64_t>(values.size())}, values));
}

std::string OnnxBuilder::tensor(const ir::Tensor& t) {
  const std::string name = fresh("const");
  add_constant(name, t);
  return name;
}

void OnnxBuilder::transpose(const std::string& x, std::vector<int64_t> perm, const std::string& out) {
  std::string from = x;
  if (const auto it = transposes_.find(x); it != transposes_.end()) {
    from = it->second.first;
    for (auto& p : perm) p = it->second.second.at(static_cast<size_t>(p));
  }
  bool identity = true;
  for (size_t i = 0; i < perm.size(); ++i) identity = identity && perm[i] == static_cast<int64_t>(i);
  if (identity) {
    node("Identity", {from}, {out});
    return;
  }
  transposes_[out] = {from, perm};
  auto& t = node("Transpose", {from}, {out});
  auto* a = t.add_attribute();
  a->set_name("perm");
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t p : perm) a->add_ints(p);
}

std::string OnnxBuilder::scalar_like(double value, const std::string& like) {
  const ir::DataType dt = info(like).quant ? ir::DataType::Float32 : info(like).dtype;
  if (dt == ir::DataType::Int64) return ints({static_cast<int64_t>(value)}, true);
  if (dt == ir::DataType::Float32) return floats({static_cast<float>(value)}, true);
  unsupported(fmt::format("arithmetic on {} tensors", ir::dtype_name(dt)));
}

void OnnxBuilder::unsupported(const std::string& why) const {
  fail("{}: {} ({}): {} is not supported; export the model to ONNX with torch.onnx.export(model, example_input, "
       "\"model.onnx\", opset_version=17) and set platform: onnx",
       file_, node_->kind, node_->source, why);
}

void OnnxBuilder::convert(const TorchNode& n) {
  node_ = &n;
  const auto& table = aten_mappings();
  const auto it = table.find(functional_kind(n.kind));
  if (it == table.end())
    fail("{}: op {} ({}) is not supported by rknnc's TorchScript reader; export the model to ONNX with "
         "torch.onnx.export(model, example_input, \"model.onnx\", opset_version=17) and set platform: onnx",
         file_, n.kind, n.source);
  it->second(*this, n);
  for (size_t i = 0; i < n.outputs.size(); ++i) {
    const std::string& name = n.outputs[i];
    const auto& q = info(name).quant;
    if (!q) continue;
    const std::string f = resolve(name + "__f");
    // An op that only moves a quantised tensor (flatten, contiguous …) keeps it.
    if (const auto d = std::find_if(dequantized_.begin(), dequantized_.end(), [&](const auto& p) { return p.second == f; });
        d != dequantized_.end() && info(d->first).quant->scales == q->scales &&
        info(d->first).quant->zero_points == q->zero_points) {
      quantized_alias_[name] = d->first;
      continue;
    }
    ir::Tensor zp(q->dtype, {});
    if (q->dtype == ir::DataType::UInt8) zp.data<uint8_t>()[0] = static_cast<uint8_t>(q->zero_points.at(0));
    else zp.data<int8_t>()[0] = static_cast<int8_t>(q->zero_points.at(0));
    const std::string zp_name = fresh(name + "_zero_point");
    add_constant(zp_name, zp);
    node("QuantizeLinear", {f, floats({q->scales.at(0)}, true), zp_name}, {name});
  }
}

onnx::ModelProto to_onnx_model(const TorchGraph& tg, const std::string& file) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.set_producer_name("torchscript");
  auto* op = m.add_opset_import();
  op->set_domain("");
  op->set_version(kOpset);
  onnx::GraphProto& g = *m.mutable_graph();
  g.set_name("torchscript");
  for (const auto& name : tg.inputs) set_value_info(*g.add_input(), name, tg.values.at(name));
  OnnxBuilder b(g, tg, file);
  for (const auto& n : tg.nodes) b.convert(n);
  for (const auto& name : tg.outputs) {
    TensorInfo info = tg.values.at(name);
    std::string onnx_name = b.in(Arg::of_tensor(name));
    if (info.quant) info.quant.reset();  // a quantised output is returned as its float values
    if (onnx_name != name) {  // an output that aliases another value keeps the torch name
      b.node("Identity", {onnx_name}, {name});
    }
    set_value_info(*g.add_output(), name, info);
  }
  return m;
}

}  // namespace rknnc::frontends::pytorch
