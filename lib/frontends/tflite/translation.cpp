#include "frontends/tflite/translation.h"

#include <fmt/format.h>

#include <cstring>

#include "util/error.h"

namespace rknnc::frontends::tflite {

namespace {
onnx::AttributeProto named(const std::string& name, onnx::AttributeProto::AttributeType type) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(type);
  return a;
}
}  // namespace

onnx::AttributeProto attr_int(const std::string& name, int64_t v) {
  auto a = named(name, onnx::AttributeProto::INT);
  a.set_i(v);
  return a;
}

onnx::AttributeProto attr_ints(const std::string& name, const std::vector<int64_t>& v) {
  auto a = named(name, onnx::AttributeProto::INTS);
  for (int64_t x : v) a.add_ints(x);
  return a;
}

onnx::AttributeProto attr_float(const std::string& name, float v) {
  auto a = named(name, onnx::AttributeProto::FLOAT);
  a.set_f(v);
  return a;
}

onnx::AttributeProto attr_string(const std::string& name, const std::string& v) {
  auto a = named(name, onnx::AttributeProto::STRING);
  a.set_s(v);
  return a;
}

int64_t nchw_axis(int64_t nhwc_axis) { return kToNhwc[nhwc_axis]; }

namespace {

onnx::TensorProto::DataType onnx_type(fb::TensorType t) {
  switch (t) {
    case fb::TensorType::INT8: return onnx::TensorProto::INT8;
    case fb::TensorType::UINT8: return onnx::TensorProto::UINT8;
    case fb::TensorType::INT16: return onnx::TensorProto::INT16;
    case fb::TensorType::INT32: return onnx::TensorProto::INT32;
    case fb::TensorType::INT64: return onnx::TensorProto::INT64;
    case fb::TensorType::BOOL: return onnx::TensorProto::BOOL;
    default: return onnx::TensorProto::FLOAT;
  }
}

// Element order of `bytes` (shape `shape`) after moving axis perm[i] to i.
std::string permute_bytes(std::span<const uint8_t> bytes, const std::vector<int64_t>& shape,
                          const std::vector<int64_t>& perm, size_t elem) {
  const size_t rank = shape.size();
  std::vector<int64_t> in_strides(rank, 1);
  for (int i = static_cast<int>(rank) - 2; i >= 0; --i) in_strides[i] = in_strides[i + 1] * shape[i + 1];
  std::vector<int64_t> out_shape(rank);
  for (size_t i = 0; i < rank; ++i) out_shape[i] = shape[perm[i]];
  std::string out(bytes.size(), '\0');
  std::vector<int64_t> idx(rank, 0);
  const size_t count = elem ? bytes.size() / elem : 0;
  for (size_t n = 0; n < count; ++n) {
    int64_t src = 0;
    for (size_t i = 0; i < rank; ++i) src += idx[i] * in_strides[perm[i]];
    std::memcpy(out.data() + n * elem, bytes.data() + src * elem, elem);
    for (int i = static_cast<int>(rank) - 1; i >= 0; --i) {
      if (++idx[i] < out_shape[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}

void set_shape(onnx::TypeProto& type, int32_t elem, const std::vector<int64_t>& shape) {
  auto* tt = type.mutable_tensor_type();
  tt->set_elem_type(elem);
  auto* s = tt->mutable_shape();
  for (int64_t d : shape) s->add_dim()->set_dim_value(d);
}

}  // namespace

Translation::Translation(const TfliteFile& f, onnx::GraphProto& graph)
    : file(f), g_(graph), forms_(f.graph().tensors()->size()) {}

const fb::Operator& Translation::op() const { return *file.graph().operators()->Get(op_); }

size_t Translation::num_inputs() const { return op().inputs() ? op().inputs()->size() : 0; }
size_t Translation::num_outputs() const { return op().outputs() ? op().outputs()->size() : 0; }

int Translation::in(size_t i) const {
  if (i >= num_inputs()) {
    if (i < 2) fail_op(fmt::format("has {} inputs, it needs at least {}", num_inputs(), i + 1));
    return -1;
  }
  return op().inputs()->Get(i);
}

int Translation::out(size_t i) const {
  if (i >= num_outputs()) fail_op(fmt::format("has {} outputs, it needs at least {}", num_outputs(), i + 1));
  return op().outputs()->Get(i);
}

void Translation::fail_op(const std::string& what) const {
  const std::string first =
      num_outputs() > 0 ? fmt::format(", first output '{}'", file.tensor_name(op().outputs()->Get(0))) : "";
  fail("{}: operator {} ({}{}) {}", file.file(), op_, file.op_name(op_), first, what);
}

std::vector<int64_t> Translation::nchw_shape(int t) const {
  std::vector<int64_t> s = shape(t);
  if (s.size() != 4) return s;
  return {s[0], s[3], s[1], s[2]};
}

bool Translation::layout_free(int t) const {
  const std::vector<int64_t> s = shape(t);
  return s.size() != 4 || s[3] == 1 || s[1] * s[2] == 1;
}

std::string Translation::fresh(const std::string& base) {
  std::string name = base;
  for (int i = 1; names_.count(name); ++i) name = fmt::format("{}_{}", base, i);
  names_.insert(name);
  return name;
}

std::string Translation::result_name(size_t k) {
  const int t = out(k);
  if (auto it = results_.find(t); it != results_.end()) return it->second;
  return results_[t] = fresh(file.tensor_name(t));
}

std::string Translation::node(const std::string& type, const std::vector<std::string>& inputs,
                              const std::vector<onnx::AttributeProto>& attrs, const std::string& output) {
  const std::string out_name = output.empty() ? fresh(fmt::format("{}__{}", file.tensor_name(out(0)), type)) : output;
  node_outputs(type, inputs, attrs, {out_name});
  return out_name;
}

void Translation::node_outputs(const std::string& type, const std::vector<std::string>& inputs,
                               const std::vector<onnx::AttributeProto>& attrs, const std::vector<std::string>& outputs) {
  onnx::NodeProto* n = g_.add_node();
  n->set_op_type(type);
  n->set_name(outputs.at(0));
  for (const auto& i : inputs) n->add_input(i);
  for (const auto& o : outputs) n->add_output(o);
  for (const auto& a : attrs) *n->add_attribute() = a;
}

std::string Translation::const_ints(const std::vector<int64_t>& v) {
  onnx::TensorProto* t = g_.add_initializer();
  t->set_name(fresh("const_i64"));
  t->set_data_type(onnx::TensorProto::INT64);
  t->add_dims(static_cast<int64_t>(v.size()));
  for (int64_t x : v) t->add_int64_data(x);
  return t->name();
}

std::string Translation::const_floats(const std::vector<float>& v, const std::vector<int64_t>& shape) {
  onnx::TensorProto* t = g_.add_initializer();
  t->set_name(fresh("const_f32"));
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : shape) t->add_dims(d);
  for (float x : v) t->add_float_data(x);
  return t->name();
}

std::string Translation::scalar(float v) {
  if (auto it = scalars_.find(v); it != scalars_.end()) return it->second;
  return scalars_[v] = const_floats({v}, {});
}

std::string Translation::weight(int t, const std::vector<int64_t>& perm, const std::vector<int64_t>& new_shape) {
  const fb::Tensor& ft = file.tensor(t);
  const std::vector<int64_t> s = file.shape(t);
  if (perm.size() != s.size())
    fail_op(fmt::format("reads constant '{}' of rank {}, rank {} was expected", file.tensor_name(t), s.size(),
                        perm.size()));
  const std::span<const uint8_t> bytes = file.constant_bytes(t);
  const std::string name = file.tensor_name(t);
  const bool quantized = file.is_quantized(t) && ft.type() != fb::TensorType::FLOAT32;
  onnx::TensorProto* init = g_.add_initializer();
  init->set_name(fresh(quantized ? name + "__quantized" : name));
  const bool half = ft.type() == fb::TensorType::FLOAT16 || ft.type() == fb::TensorType::FLOAT64;
  if (half) {  // stored as float32 (DEQUANTIZE of a float16 constant is then a no-op)
    const std::vector<float> f = file.constant_floats(t);
    const std::span<const uint8_t> fb(reinterpret_cast<const uint8_t*>(f.data()), f.size() * 4);
    init->set_raw_data(permute_bytes(fb, s, perm, 4));
  } else {
    init->set_raw_data(permute_bytes(bytes, s, perm, element_size(ft.type())));
  }
  init->set_data_type(half ? onnx::TensorProto::FLOAT : onnx_type(ft.type()));
  if (new_shape.empty())
    for (int64_t p : perm) init->add_dims(s[p]);
  else
    for (int64_t d : new_shape) init->add_dims(d);
  if (!quantized) return init->name();
  const auto* q = ft.quantization();
  const size_t n = q->scale()->size();
  std::vector<float> scales(q->scale()->begin(), q->scale()->end());
  std::vector<int64_t> zps(n, 0);
  if (q->zero_point())
    for (size_t i = 0; i < n && i < q->zero_point()->size(); ++i) zps[i] = q->zero_point()->Get(i);
  const std::vector<int64_t> dims = n == 1 ? std::vector<int64_t>{} : std::vector<int64_t>{static_cast<int64_t>(n)};
  onnx::TensorProto* zp = g_.add_initializer();
  zp->set_name(fresh(name + "__zero_point"));
  zp->set_data_type(init->data_type());
  for (int64_t d : dims) zp->add_dims(d);
  for (int64_t z : zps) zp->add_int32_data(static_cast<int32_t>(z));
  std::vector<onnx::AttributeProto> attrs;
  if (n > 1) {
    int64_t axis = -1;
    for (size_t i = 0; i < perm.size(); ++i)
      if (perm[i] == q->quantized_dimension()) axis = static_cast<int64_t>(i);
    if (axis < 0 || (!new_shape.empty() && new_shape.size() != perm.size()))
      fail_op(fmt::format("reads constant '{}' quantised per axis {}, which rknnc cannot keep here", name,
                          q->quantized_dimension()));
    attrs.push_back(attr_int("axis", axis));
  }
  const std::string out = fresh(name);
  node_outputs("DequantizeLinear", {init->name(), const_floats(scales, dims), zp->name()}, attrs, {out});
  return out;
}

bool Translation::has_nchw(int t) const { return forms_[t].nchw.has_value(); }

std::string Translation::nchw(int t) {
  if (file.is_constant(t)) return rank(t) == 4 ? weight(t, kToNchw) : native(t);
  if (rank(t) != 4) return native(t);
  Forms& f = forms_[t];
  if (f.nchw) return *f.nchw;
  if (!f.native) fail_op(fmt::format("reads tensor '{}', which no operator before it computes", file.tensor_name(t)));
  f.nchw = node("Transpose", {*f.native}, {attr_ints("perm", kToNchw)}, fresh(file.tensor_name(t) + "__nchw"));
  return *f.nchw;
}

std::string Translation::native(int t) {
  if (file.is_constant(t)) {
    std::vector<int64_t> id(rank(t));
    for (size_t i = 0; i < id.size(); ++i) id[i] = static_cast<int64_t>(i);
    return weight(t, id);
  }
  Forms& f = forms_[t];
  if (f.native) return *f.native;
  if (rank(t) != 4 && f.nchw) return *f.nchw;
  if (!f.nchw) fail_op(fmt::format("reads tensor '{}', which no operator before it computes", file.tensor_name(t)));
  f.native = node("Transpose", {*f.nchw}, {attr_ints("perm", kToNhwc)}, fresh(file.tensor_name(t) + "__nhwc"));
  return *f.native;
}

void Translation::quantize(int t, Forms& f) {
  if (!file.is_quantized(t)) return;
  const fb::Tensor& ft = file.tensor(t);
  const auto* q = ft.quantization();
  if (q->scale()->size() != 1) return;  // per-axis activations run as float (the QDQ import would refuse them)
  if (ft.type() != fb::TensorType::INT8 && ft.type() != fb::TensorType::UINT8) return;
  const std::string name = file.tensor_name(t);
  onnx::TensorProto* zp = g_.add_initializer();
  zp->set_name(fresh(name + "__zero_point"));
  zp->set_data_type(onnx_type(ft.type()));
  zp->add_int32_data(q->zero_point() && q->zero_point()->size() ? static_cast<int32_t>(q->zero_point()->Get(0)) : 0);
  const std::string scale = const_floats({q->scale()->Get(0)}, {});
  std::optional<std::string>& form = f.nchw ? f.nchw : f.native;
  const std::string qn = node("QuantizeLinear", {*form, scale, zp->name()}, {}, fresh(name + "__q"));
  form = node("DequantizeLinear", {qn, scale, zp->name()}, {}, fresh(name + "__dq"));
  (f.nchw ? f.native : f.nchw).reset();
}

void Translation::add_input(int t) {
  const fb::Tensor& ft = file.tensor(t);
  onnx::ValueInfoProto* v = g_.add_input();
  const std::string name = fresh(file.tensor_name(t));
  v->set_name(name);
  const bool real = ft.type() == fb::TensorType::FLOAT32 || ft.type() == fb::TensorType::FLOAT16 || file.is_quantized(t);
  set_shape(*v->mutable_type(), real ? onnx::TensorProto::FLOAT : onnx_type(ft.type()), nchw_shape(t));
  Forms& f = forms_[t];
  (rank(t) == 4 ? f.nchw : f.native) = name;
  quantize(t, f);
}

std::string Translation::activation(fb::ActivationFunctionType act, const std::string& x, const std::string& output) {
  switch (act) {
    case fb::ActivationFunctionType::RELU: return node("Relu", {x}, {}, output);
    case fb::ActivationFunctionType::RELU6: return node("Clip", {x, scalar(0), scalar(6)}, {}, output);
    case fb::ActivationFunctionType::RELU_N1_TO_1: return node("Clip", {x, scalar(-1), scalar(1)}, {}, output);
    case fb::ActivationFunctionType::TANH: return node("Tanh", {x}, {}, output);
    default:
      fail_op(fmt::format("has fused activation {}, which rknnc does not support; convert the model to ONNX with "
                          "`python3 -m tf2onnx.convert --tflite model.tflite --output model.onnx`",
                          fb::EnumNameActivationFunctionType(act)));
  }
}

void Translation::define(size_t k, const std::string& value, bool is_nchw, fb::ActivationFunctionType act) {
  const int t = out(k);
  std::string v = value;
  if (act != fb::ActivationFunctionType::NONE) {
    v = activation(act, value, result_name(k));
  } else if (g_.node_size() > 0 && !(results_.count(t) && results_[t] == value)) {
    // the last node's output takes the TFLite name
    onnx::NodeProto& last = *g_.mutable_node(g_.node_size() - 1);
    for (auto& o : *last.mutable_output())
      if (o == value) {
        v = result_name(k);
        o = v;
        if (last.name() == value) last.set_name(v);
      }
  }
  Forms& f = forms_[t];
  f = {};
  (is_nchw && rank(t) == 4 ? f.nchw : f.native) = v;
  quantize(t, f);
}

void Translation::alias(size_t k, int t) {
  const int o = out(k);
  forms_[o] = forms_[t];
  if (file.is_constant(t)) (rank(t) == 4 ? forms_[o].nchw : forms_[o].native) = nchw(t);
  const auto* qi = file.tensor(t).quantization();
  const auto* qo = file.tensor(o).quantization();
  const bool same = file.is_quantized(t) && file.is_quantized(o) && qi->scale()->Get(0) == qo->scale()->Get(0) &&
                    (qi->zero_point() ? qi->zero_point()->Get(0) : 0) == (qo->zero_point() ? qo->zero_point()->Get(0) : 0);
  if (!same) {
    Forms& f = forms_[o];
    if (f.nchw && f.native) f.native.reset();
    quantize(o, f);
  }
}

void Translation::rename(const std::string& from, const std::string& to) {
  for (auto& n : *g_.mutable_node()) {
    for (auto& i : *n.mutable_input()) if (i == from) i = to;
    for (auto& o : *n.mutable_output()) if (o == from) o = to;
  }
  for (auto& v : *g_.mutable_input()) if (v.name() == from) v.set_name(to);
}

void Translation::finish(const std::vector<int>& outputs) {
  for (int t : outputs) {
    const std::string want = file.tensor_name(t);
    const std::string have = rank(t) == 4 ? nchw(t) : native(t);
    if (have != want) {
      if (names_.count(want)) rename(want, fresh(want + "__source"));
      rename(have, want);
      names_.insert(want);
    }
    onnx::ValueInfoProto* v = g_.add_output();
    v->set_name(want);
    const fb::TensorType type = file.tensor(t).type();
    const bool real = type == fb::TensorType::FLOAT32 || type == fb::TensorType::FLOAT16 || file.is_quantized(t);
    set_shape(*v->mutable_type(), real ? onnx::TensorProto::FLOAT : onnx_type(type), nchw_shape(t));
  }
}

}  // namespace rknnc::frontends::tflite
