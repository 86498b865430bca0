// ONNX → IR: parse, re-shape / cut inputs, onnx shape inference, convert,
// canonicalise opsets, cut outputs, fill shapes that inference left open.
#include <onnx/checker.h>
#include <onnx/shape_inference/implementation.h>

#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <set>

#include "frontends/frontend.h"
#include "frontends/onnx/canonicalize.h"
#include "frontends/onnx/external_data.h"
#include "frontends/onnx/inference_guards.h"
#include "frontends/onnx/load_onnx.h"
#include "frontends/onnx/new_opsets.h"
#include "frontends/onnx/onnx_proto.h"
#include "frontends/shape_fill.h"
#include "util/error.h"

namespace rknnc::frontends {
namespace {
using namespace onnx_detail;

constexpr int64_t kMinOpset = 7;
constexpr int64_t kMaxOpset = 21;

int64_t default_opset(const onnx::ModelProto& m, const std::string& file) {
  for (const auto& imp : m.opset_import())
    if (imp.domain().empty() || imp.domain() == "ai.onnx") {
      if (imp.version() < kMinOpset || imp.version() > kMaxOpset)
        fail("{}: ONNX opset {} is outside the supported range {}–{}; convert the model to an opset in that range "
             "with onnx.version_converter", file, imp.version(), kMinOpset, kMaxOpset);
      return imp.version();
    }
  fail("{}: the model imports no ai.onnx opset", file);
}

std::vector<std::string> graph_input_names(const onnx::GraphProto& g) {
  std::set<std::string> inits;
  for (const auto& t : g.initializer()) inits.insert(t.name());
  std::vector<std::string> names;
  for (const auto& v : g.input())
    if (!inits.count(v.name())) names.push_back(v.name());
  return names;
}

void set_shape(onnx::ValueInfoProto& v, const std::vector<int64_t>& shape) {
  auto* s = v.mutable_type()->mutable_tensor_type()->mutable_shape();
  s->clear_dim();
  for (int64_t d : shape) s->add_dim()->set_dim_value(d);
}

bool value_exists(const onnx::GraphProto& g, const std::string& name) {
  for (const auto& v : g.input()) if (v.name() == name) return true;
  for (const auto& n : g.node())
    for (const auto& o : n.output()) if (o == name) return true;
  return false;
}

// subgraphs.inputs / input_size_list applied on the proto, before shape
// inference. An input name that is an inner value cuts the graph there.
void apply_input_options(onnx::GraphProto& g, const LoadOptions& opt, const std::string& file) {
  const auto& shapes = opt.input_shapes;
  std::vector<std::string> names = opt.inputs.empty() ? graph_input_names(g) : opt.inputs;
  if (!shapes.empty() && shapes.size() != names.size())
    fail_config("{}.input_size_list has {} shapes, but the model has {} inputs ({})", opt.options_where, shapes.size(),
                names.size(), fmt::join(names, ", "));
  for (size_t i = 0; i < names.size(); ++i) {
    if (!value_exists(g, names[i]))
      fail_config("{}.inputs names '{}', which is not a value of {}; model inputs: {}", opt.options_where, names[i],
                  file, fmt::join(graph_input_names(g), ", "));
    onnx::ValueInfoProto* vi = nullptr;
    for (auto& v : *g.mutable_input()) if (v.name() == names[i]) vi = &v;
    if (!vi) {  // cut: the inner value becomes an input; its producer is dropped later
      vi = g.add_input();
      vi->set_name(names[i]);
      for (const auto& info : g.value_info())
        if (info.name() == names[i]) *vi = info;
      if (!vi->type().tensor_type().has_elem_type())
        vi->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
      for (auto& n : *g.mutable_node())
        for (auto& o : *n.mutable_output()) if (o == names[i]) o = names[i] + "__cut_away";
    }
    if (!shapes.empty()) {
      const auto& declared = vi->type().tensor_type();
      if (declared.has_shape() && declared.shape().dim_size() != static_cast<int>(shapes[i].size()))
        fail_config("{}.input_size_list[{}] has {} dims, input '{}' of {} has {}; give a shape of the model's rank",
                    opt.options_where, i, shapes[i].size(), names[i], file, declared.shape().dim_size());
      set_shape(*vi, shapes[i]);
    }
  }
  if (!opt.inputs.empty()) {  // inputs not named are no longer inputs of the cut graph
    std::set<std::string> keep(names.begin(), names.end());
    std::set<std::string> inits;
    for (const auto& t : g.initializer()) inits.insert(t.name());
    auto* in = g.mutable_input();
    for (int i = in->size() - 1; i >= 0; --i)
      if (!keep.count(in->Get(i).name()) && !inits.count(in->Get(i).name())) in->DeleteSubrange(i, 1);
  }
}

std::string node_label(const onnx::NodeProto& n, int index) {
  return n.name().empty() ? fmt::format("#{}", index) : n.name();
}

bool is_subgraph(const onnx::AttributeProto& a) {
  return a.type() == onnx::AttributeProto::GRAPH || a.type() == onnx::AttributeProto::GRAPHS || a.has_g() ||
         a.graphs_size() > 0;
}

// libonnx divides by `strides` (SIGFPE on a 0 in Conv / pooling inference)
// and by blocksize² (SIGFPE when it overflows to 0), and reads two values of
// pooled_shape (SIGSEGV when there are fewer). Found by setting every
// attribute of every ONNX op to 0, -1, ±2^40 and empty lists.
void check_attribute_values(const onnx::NodeProto& n, const std::string& label, const std::string& file) {
  for (const auto& a : n.attribute()) {
    if (a.name() == "strides" || a.name() == "dilations" || a.name() == "kernel_shape")
      for (int64_t v : a.ints())
        if (v < 1)
          fail("{}: node '{}' ({}): attribute {} has {}; each value must be at least 1", file, label, n.op_type(),
               a.name(), v);
    if (a.name() == "blocksize" && (a.i() < 1 || a.i() > 65536))
      fail("{}: node '{}' ({}): attribute blocksize is {}; it must be from 1 to 65536", file, label, n.op_type(), a.i());
    if (a.name() == "pooled_shape" && a.ints_size() != 2)  // MaxRoiPool's inference reads two values
      fail("{}: node '{}' ({}): attribute pooled_shape has {} values; it needs 2 (height, width)", file, label,
           n.op_type(), a.ints_size());
  }
}

// What ONNX shape inference would report without naming the node, or not
// survive: besides the attribute values above, it reads the body of If / Loop
// / Scan without checking it is there (SIGSEGV).
void check_nodes_before_inference(const onnx::GraphProto& g, const std::string& file) {
  for (int i = 0; i < g.node_size(); ++i) {
    const onnx::NodeProto& n = g.node(i);
    const std::string label = node_label(n, i);
    const bool control_flow = n.op_type() == "If" || n.op_type() == "Loop" || n.op_type() == "Scan";
    if ((control_flow && n.domain().empty()) || std::any_of(n.attribute().begin(), n.attribute().end(), is_subgraph))
      fail("{}: node '{}' ({}): control flow with subgraphs (If/Loop/Scan) is not supported; export the model "
           "without it", file, label, n.op_type());
    if (!n.domain().empty() && n.domain() != "ai.onnx") continue;
    if (n.op_type() == "Constant" && (n.output_size() != 1 || n.output(0).empty()))
      fail("{}: node '{}': Constant must have exactly one named output, it has {}", file, label, n.output_size());
    check_attribute_values(n, label, file);
  }
}

// ONNX shape inference dereferences the type of every node input, so a value
// that nothing defines must be reported before it runs (it crashes otherwise).
void check_inputs_defined(const onnx::GraphProto& g, const std::string& file) {
  std::set<std::string> defined;
  for (const auto& v : g.input()) defined.insert(v.name());
  for (const auto& t : g.initializer()) defined.insert(t.name());
  for (const auto& n : g.node()) defined.insert(n.output().begin(), n.output().end());
  for (int i = 0; i < g.node_size(); ++i) {
    const onnx::NodeProto& n = g.node(i);
    for (const auto& in : n.input())
      if (!in.empty() && !defined.count(in))
        fail("{}: node '{}' ({}) reads '{}', which no node, graph input or initializer produces; fix the model", file,
             node_label(n, i), n.op_type(), in);
  }
}

// ONNX shape inference dereferences the type of every node input: a value
// made by a node it cannot infer (no schema in the ONNX library: a newer or
// custom op, or one hidden by lower_new_opsets) has none, and a later Shape
// crashed on it (CenterCropPad-18's expansion). When the graph holds such a
// node, every node output without a declared type is declared with an
// undefined element type and no shape: inference fills in what it infers.
void declare_untyped_outputs(onnx::ModelProto& m) {
  std::map<std::string, int64_t> imports;
  for (const auto& imp : m.opset_import()) imports[imp.domain() == "ai.onnx" ? "" : imp.domain()] = imp.version();
  onnx::GraphProto& g = *m.mutable_graph();
  const bool uninferred = std::any_of(g.node().begin(), g.node().end(), [&](const onnx::NodeProto& n) {
    const std::string domain = n.domain() == "ai.onnx" ? "" : n.domain();
    return !imports.count(domain) || !onnx::OpSchemaRegistry::Schema(n.op_type(), static_cast<int>(imports[domain]), domain);
  });
  if (!uninferred) return;
  std::set<std::string> typed;
  for (const auto* list : {&g.input(), &g.output(), &g.value_info()})
    for (const auto& v : *list)
      if (v.has_type()) typed.insert(v.name());
  for (const auto& n : g.node())
    for (const auto& out : n.output())
      if (!out.empty() && typed.insert(out).second) {
        auto* vi = g.add_value_info();
        vi->set_name(out);
        vi->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::UNDEFINED);
      }
}

// Opset 18–21 nodes are lowered to forms the opset-17 schemas infer (or
// hidden from inference) first; see new_opsets.h.
void run_shape_inference(onnx::ModelProto& m, int64_t opset, const std::string& file) {
  check_nodes_before_inference(m.graph(), file);
  check_inputs_defined(m.graph(), file);
  const std::vector<int> hidden = lower_new_opsets(m, opset, file);
  declare_untyped_outputs(m);
  install_inference_guards();
  try {
    onnx::ShapeInferenceOptions options(false, 0, true);
    onnx::shape_inference::InferShapes(m, onnx::OpSchemaRegistry::Instance(), options);
  } catch (const std::exception& e) {
    std::string msg = e.what();
    if (auto pos = msg.find('\n'); pos != std::string::npos) msg.resize(pos);
    fail("{}: ONNX shape inference failed: {}; check input_size_list against the model", file, msg);
  }
  restore_hidden_nodes(*m.mutable_graph(), hidden);
}

// Declared and inferred value infos; a shape over the element limit is an
// error here, before anything of that shape is allocated.
void add_value_infos(ir::Graph& g, const onnx::GraphProto& gp, const std::string& file) {
  // Inputs first (a bad input shape is named as the input), then outputs,
  // then inferred values; the first info of a name wins.
  auto add = [&](const onnx::ValueInfoProto& v) {
    ir::ValueInfo info = to_ir_value_info(v, file);
    if (info.dtype != ir::DataType::Undefined) g.values.emplace(v.name(), info);
  };
  for (const auto& v : gp.input()) add(v);
  for (const auto& v : gp.output()) add(v);
  for (const auto& v : gp.value_info()) add(v);
}

// The tensor a Constant node holds, whichever of its value attributes is set.
ir::Tensor constant_value(const ir::Node& n, const std::string& file) {
  const ir::Attributes& a = n.attrs;
  if (const ir::Tensor* t = a.get_tensor("value")) return *t;
  auto vec = [](auto values) {
    using T = typename decltype(values)::value_type;
    return ir::Tensor::from<T>({static_cast<int64_t>(values.size())}, values);
  };
  if (a.has("value_float")) return ir::Tensor::from<float>({}, {a.get_float("value_float", 0)});
  if (a.has("value_int")) return ir::Tensor::from<int64_t>({}, {a.get_int("value_int", 0)});
  if (a.has("value_floats")) return vec(a.get_floats("value_floats"));
  if (a.has("value_ints")) return vec(a.get_ints("value_ints"));
  fail("{}: node '{}': Constant has no supported value attribute (value, value_float(s), value_int(s))", file, n.name);
}

void convert_nodes(ir::Graph& g, const onnx::GraphProto& gp, const std::string& file) {
  int unnamed = 0;
  std::set<std::string> used_names;
  for (const auto& np : gp.node()) {
    auto n = std::make_unique<ir::Node>();
    n->op_type = np.op_type();
    n->domain = np.domain() == "ai.onnx" ? "" : np.domain();
    n->name = np.name().empty() ? fmt::format("{}_{}", np.op_type(), unnamed++) : np.name();
    while (!used_names.insert(n->name).second) n->name += "_";
    n->inputs.assign(np.input().begin(), np.input().end());
    n->outputs.assign(np.output().begin(), np.output().end());
    const std::string where = fmt::format("{}: node '{}'", file, n->name);
    for (const auto& a : np.attribute()) n->attrs.set(a.name(), to_ir_attribute(a, where));
    if (n->op_type == "Constant" && n->domain.empty()) {
      g.add_constant(n->outputs[0], constant_value(*n, file));
      continue;
    }
    g.add_node(std::move(n));
  }
}

void apply_output_options(ir::Graph& g, const LoadOptions& opt, const std::string& file) {
  if (opt.outputs.empty()) return;
  for (const auto& out : opt.outputs)
    if (!g.producer(out) && !g.is_constant(out) &&
        std::find(g.inputs.begin(), g.inputs.end(), out) == g.inputs.end())
      fail_config("{}.outputs names '{}', which no node of {} produces", opt.options_where, out, file);
  g.outputs = opt.outputs;
}

// Every declared output must be computed by something: a node, a constant or
// an input passed through.
void check_outputs_produced(const ir::Graph& g, const std::string& file) {
  if (g.outputs.empty()) fail("{}: the graph declares no outputs; re-export the model with its outputs", file);
  for (const auto& out : g.outputs)
    if (!g.producer(out) && !g.is_constant(out) && std::find(g.inputs.begin(), g.inputs.end(), out) == g.inputs.end())
      fail("{}: graph output '{}' is produced by no node; fix the model's outputs (or cut the graph with "
           "subgraphs.outputs)", file, out);
}

}  // namespace

ir::Graph load_onnx(const std::filesystem::path& path, const LoadOptions& options) {
  onnx::ModelProto model = read_model_file(path);
  load_external_data(model, path);
  return load_onnx_model(std::move(model), path, options);
}

ir::Graph load_onnx_model(onnx::ModelProto model, const std::filesystem::path& path, const LoadOptions& options) {
  const std::string file = path.string();
  ir::Graph g;
  g.opset = default_opset(model, file);
  g.name = model.graph().name();
  g.metadata["producer"] = model.producer_name() + " " + model.producer_version();
  g.metadata["source"] = path.filename().string();
  apply_input_options(*model.mutable_graph(), options, file);
  run_shape_inference(model, g.opset, file);
  for (auto& t : *model.mutable_graph()->mutable_initializer()) {
    g.add_constant(t.name(), to_ir_tensor(t, fmt::format("{}: initializer '{}'", file, t.name())));
    // The graph holds the bytes now: free the file's copy, so the next
    // constants can reuse its memory instead of the model living twice.
    if (t.has_raw_data()) std::string().swap(*t.mutable_raw_data());
  }
  const onnx::GraphProto& gp = model.graph();
  add_value_infos(g, gp, file);
  for (const auto& in : graph_input_names(gp)) {
    if (!g.values.count(in)) fail("{}: input '{}' has no tensor type", file, in);
    g.inputs.push_back(in);
  }
  for (const auto& out : gp.output()) g.outputs.push_back(out.name());
  convert_nodes(g, gp, file);
  apply_output_options(g, options, file);
  check_outputs_produced(g, file);
  g.remove_unreachable();
  g.sort_topologically();
  canonicalize_opsets(g);
  fill_shapes_by_execution(g, file, options.check_by_execution);
  return g;
}

}  // namespace rknnc::frontends
