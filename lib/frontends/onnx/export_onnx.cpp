#include <algorithm>
#include <variant>

#include "frontends/onnx/onnx_proto.h"
#include "frontends/onnx_export.h"

namespace rknnc::frontends {
namespace {

using namespace onnx_detail;

void set_attribute(const std::string& key, const ir::Attribute& value, onnx::AttributeProto& a) {
  a.set_name(key);
  std::visit(
      [&](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, int64_t>) {
          a.set_type(onnx::AttributeProto::INT), a.set_i(v);
        } else if constexpr (std::is_same_v<T, float>) {
          a.set_type(onnx::AttributeProto::FLOAT), a.set_f(v);
        } else if constexpr (std::is_same_v<T, std::string>) {
          a.set_type(onnx::AttributeProto::STRING), a.set_s(v);
        } else if constexpr (std::is_same_v<T, std::vector<int64_t>>) {
          a.set_type(onnx::AttributeProto::INTS);
          for (int64_t x : v) a.add_ints(x);
        } else if constexpr (std::is_same_v<T, std::vector<float>>) {
          a.set_type(onnx::AttributeProto::FLOATS);
          for (float x : v) a.add_floats(x);
        } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
          a.set_type(onnx::AttributeProto::STRINGS);
          for (const auto& x : v) a.add_strings(x);
        } else {
          a.set_type(onnx::AttributeProto::TENSOR);
          to_onnx_tensor(v, *a.mutable_t());
        }
      },
      value);
}

void set_value_info(const std::string& name, const ir::ValueInfo& vi, onnx::ValueInfoProto& out) {
  out.set_name(name);
  auto* tensor = out.mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(to_onnx_type(vi.dtype));
  if (!vi.has_shape) return;
  auto* shape = tensor->mutable_shape();
  for (int64_t d : vi.shape) {
    auto* dim = shape->add_dim();
    if (d >= 0) dim->set_dim_value(d);
  }
}

void move_to_external(onnx::TensorProto& tp, ExternalData& ext) {
  if (tp.raw_data().size() < kMinExternalBytes) return;
  constexpr size_t kAlign = 64;
  const size_t offset = (ext.bytes.size() + kAlign - 1) / kAlign * kAlign;
  ext.bytes.resize(offset, '\0');
  ext.bytes += tp.raw_data();
  tp.clear_raw_data();
  tp.set_data_location(onnx::TensorProto::EXTERNAL);
  for (const auto& [key, value] : {std::pair<const char*, std::string>{"location", ext.location},
                                   {"offset", std::to_string(offset)},
                                   {"length", std::to_string(ext.bytes.size() - offset)}}) {
    auto* entry = tp.add_external_data();
    entry->set_key(key);
    entry->set_value(value);
  }
}

// The IR keeps opset-13–17 forms; a graph holding an op introduced later
// (from an opset 18+ model, or fused by a pass) is written at that op's opset.
constexpr std::pair<const char*, int64_t> kIntroducedAt[] = {
    {"LayerNormalization", 17}, {"GroupNormalization", 18}, {"Mish", 18}, {"Gelu", 20}};

int64_t needed_opset(const ir::Graph& g, int64_t opset) {
  for (const auto& n : g.nodes)
    for (const auto& [op, version] : kIntroducedAt)
      if (n->domain.empty() && n->op_type == op) opset = std::max(opset, version);
  return opset;
}

bool is_reduce_with_axes_attribute(const ir::Node& n) {
  return n.domain.empty() && n.op_type.starts_with("Reduce") && n.op_type != "ReduceSum" && n.attrs.has("axes");
}

// Opset 18 moved Reduce* axes to an input; opset 20 renamed GridSample's
// bilinear / bicubic to linear / cubic.
void write_new_form(const ir::Node& n, int64_t opset, onnx::NodeProto& np, onnx::GraphProto& gp) {
  if (opset >= 18 && is_reduce_with_axes_attribute(n)) {
    const auto axes = n.attrs.get_ints("axes");
    const std::string name = n.name + "__axes";
    onnx::TensorProto& init = *gp.add_initializer();
    to_onnx_tensor(ir::Tensor::from<int64_t>({static_cast<int64_t>(axes.size())}, axes), init);
    init.set_name(name);
    if (np.input_size() < 1) np.add_input("");
    np.add_input(name);
    for (int i = np.attribute_size() - 1; i >= 0; --i)
      if (np.attribute(i).name() == "axes") np.mutable_attribute()->DeleteSubrange(i, 1);
  }
  if (opset >= 20 && n.op_type == "GridSample" && n.domain.empty())
    for (auto& a : *np.mutable_attribute())
      if (a.name() == "mode" && (a.s() == "bilinear" || a.s() == "bicubic")) a.set_s(a.s() == "bilinear" ? "linear" : "cubic");
}

}  // namespace

std::string export_onnx(const ir::Graph& g, int64_t min_opset, ExternalData* external) {
  const int64_t opset = needed_opset(g, min_opset);
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.set_producer_name("rknnc");
  m.set_producer_version(RKNNC_VERSION);
  auto* imp = m.add_opset_import();
  imp->set_domain("");
  imp->set_version(opset);
  onnx::GraphProto& gp = *m.mutable_graph();
  gp.set_name(g.name.empty() ? "rknnc" : g.name);
  for (const auto& n : g.nodes) {
    onnx::NodeProto& np = *gp.add_node();
    np.set_name(n->name);
    np.set_op_type(n->op_type);
    np.set_domain(n->domain);
    for (const auto& in : n->inputs) np.add_input(in);
    for (const auto& out : n->outputs) np.add_output(out);
    for (const auto& [key, value] : n->attrs.all()) set_attribute(key, value, *np.add_attribute());
    write_new_form(*n, opset, np, gp);
  }
  for (const auto& [name, t] : g.initializers) {
    onnx::TensorProto& tp = *gp.add_initializer();
    to_onnx_tensor(t, tp);
    tp.set_name(name);
    if (external) move_to_external(tp, *external);
  }
  for (const auto& in : g.inputs) set_value_info(in, *g.info(in), *gp.add_input());
  for (const auto& out : g.outputs) set_value_info(out, *g.info(out), *gp.add_output());
  for (const auto& [name, vi] : g.values) {
    const bool io = std::count(g.inputs.begin(), g.inputs.end(), name) || std::count(g.outputs.begin(), g.outputs.end(), name);
    if (!io && !g.is_constant(name) && vi.dtype != ir::DataType::Undefined) set_value_info(name, vi, *gp.add_value_info());
  }
  std::string bytes;
  m.SerializeToString(&bytes);
  return bytes;
}

}  // namespace rknnc::frontends
