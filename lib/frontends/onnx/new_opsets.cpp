#include "frontends/onnx/new_opsets.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "frontends/onnx/onnx_proto.h"
#include "util/error.h"

namespace rknnc::frontends::onnx_detail {
namespace {

constexpr const char* kHiddenDomain = "rknnc.hidden_from_inference";

// Reduce ops whose axes moved from an attribute to an input at opset 18
// (ReduceSum did at 13, and the IR keeps it an input).
const std::set<std::string> kReduceAxesInput = {"ReduceL1",  "ReduceL2",  "ReduceLogSum", "ReduceLogSumExp",
                                                "ReduceMax", "ReduceMean", "ReduceMin",   "ReduceProd",
                                                "ReduceSumSquare"};

struct Context {
  const std::string& file;
  std::map<std::string, const onnx::TensorProto*> constants;  // initializers and Constant outputs
};

std::string label(const onnx::NodeProto& n, int index) {
  return n.name().empty() ? fmt::format("#{}", index) : n.name();
}

const onnx::AttributeProto* find_attr(const onnx::NodeProto& n, const std::string& name) {
  for (const auto& a : n.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

int64_t int_attr(const onnx::NodeProto& n, const std::string& name, int64_t fallback) {
  const auto* a = find_attr(n, name);
  return a ? a->i() : fallback;
}

std::string string_attr(const onnx::NodeProto& n, const std::string& name, const std::string& fallback) {
  const auto* a = find_attr(n, name);
  return a ? a->s() : fallback;
}

void erase_attr(onnx::NodeProto& n, const std::string& name) {
  auto* attrs = n.mutable_attribute();
  for (int i = attrs->size() - 1; i >= 0; --i)
    if (attrs->Get(i).name() == name) attrs->DeleteSubrange(i, 1);
}

std::string input(const onnx::NodeProto& n, int i) { return n.input_size() > i ? n.input(i) : std::string(); }

void drop_inputs_from(onnx::NodeProto& n, int i) {
  while (n.input_size() > i) n.mutable_input()->RemoveLast();
}

std::optional<std::vector<int64_t>> constant_ints(const Context& ctx, const std::string& name, const std::string& what) {
  auto it = ctx.constants.find(name);
  if (it == ctx.constants.end()) return std::nullopt;
  return to_ir_tensor(*it->second, what).to_int_vector();
}

// Reduce*(data, axes) → Reduce*(data) {axes}; with noop_with_empty_axes and no
// axes the node is an Identity. Computed axes: hidden (the kernel reads them).
bool lower_reduce(onnx::NodeProto& n, const Context& ctx, const std::string& where) {
  const bool noop_if_empty = int_attr(n, "noop_with_empty_axes", 0) != 0;
  std::vector<int64_t> axes;
  if (const std::string name = input(n, 1); !name.empty()) {
    auto values = constant_ints(ctx, name, where + " input 'axes'");
    if (!values) return true;
    axes = *values;
  }
  erase_attr(n, "noop_with_empty_axes");
  drop_inputs_from(n, 1);
  if (axes.empty() && noop_if_empty) {
    n.set_op_type("Identity");
    n.clear_attribute();
    return false;
  }
  if (axes.empty()) return false;
  auto* a = n.add_attribute();
  a->set_name("axes");
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t v : axes) a->add_ints(v);
  return false;
}

bool has_non_default(const onnx::NodeProto& n, const std::string& name, int64_t neutral) {
  const auto* a = find_attr(n, name);
  if (!a) return false;
  if (a->type() == onnx::AttributeProto::INTS)
    return std::any_of(a->ints().begin(), a->ints().end(), [&](int64_t v) { return v != neutral; });
  return a->i() != neutral;
}

// Resize-18/19: axes, keep_aspect_ratio_policy and antialias change the
// output shape or the taps; without them the node is a Resize-13.
bool resize_needs_kernel(const onnx::NodeProto& n) {
  if (find_attr(n, "axes")) return true;
  if (string_attr(n, "keep_aspect_ratio_policy", "stretch") != "stretch") return true;
  return int_attr(n, "antialias", 0) != 0;
}

void check_cast_type(const onnx::NodeProto& n, const std::string& where) {
  if (const auto* to = find_attr(n, "to"))
    to_ir_type(static_cast<int32_t>(to->i()), where + " attribute 'to'");
}

void check_block_quantization(const onnx::NodeProto& n, const std::string& where) {
  if (int_attr(n, "block_size", 0) != 0)
    fail("{}: blocked quantisation (block_size {}) is not supported; quantise per tensor or per axis", where,
         int_attr(n, "block_size", 0));
  if (const auto* t = find_attr(n, "output_dtype"); t && t->i() != 0)
    to_ir_type(static_cast<int32_t>(t->i()), where + " attribute 'output_dtype'");
}

// True when the node must be hidden from the opset-17 inference.
bool lower_node(onnx::NodeProto& n, const Context& ctx, const std::string& where) {
  const std::string& op = n.op_type();
  if (kReduceAxesInput.count(op)) return lower_reduce(n, ctx, where);
  if (op == "Pad") return !input(n, 3).empty();
  if (op == "Resize") return resize_needs_kernel(n);
  if (op == "Split") return find_attr(n, "num_outputs") != nullptr;
  if (op == "AveragePool") return has_non_default(n, "dilations", 1);
  if (op == "GridSample") return true;  // opset 20: N-D, modes linear / cubic
  if (op == "Cast" || op == "CastLike") check_cast_type(n, where);
  if (op == "QuantizeLinear" || op == "DequantizeLinear") check_block_quantization(n, where);
  return false;
}

Context make_context(const onnx::GraphProto& g, const std::string& file) {
  Context ctx{file, {}};
  for (const auto& t : g.initializer()) ctx.constants[t.name()] = &t;
  for (const auto& n : g.node()) {
    const auto* value = find_attr(n, "value");
    if (n.op_type() == "Constant" && n.domain().empty() && n.output_size() == 1 && value && value->has_t())
      ctx.constants[n.output(0)] = &value->t();
  }
  return ctx;
}

}  // namespace

std::vector<int> lower_new_opsets(onnx::ModelProto& m, int64_t opset, const std::string& file) {
  std::vector<int> hidden;
  if (opset <= kNewestInferredOpset) return hidden;
  onnx::GraphProto& g = *m.mutable_graph();
  const Context ctx = make_context(g, file);
  for (int i = 0; i < g.node_size(); ++i) {
    onnx::NodeProto& n = *g.mutable_node(i);
    if (!n.domain().empty() && n.domain() != "ai.onnx") continue;
    const std::string where = fmt::format("{}: node '{}' ({})", file, label(n, i), n.op_type());
    if (!lower_node(n, ctx, where)) continue;
    n.set_domain(kHiddenDomain);
    hidden.push_back(i);
  }
  for (auto& imp : *m.mutable_opset_import())
    if (imp.domain().empty() || imp.domain() == "ai.onnx") imp.set_version(kNewestInferredOpset);
  if (!hidden.empty()) {  // inference fails on a domain without import; with one, it skips the op as unknown
    auto* imp = m.add_opset_import();
    imp->set_domain(kHiddenDomain);
    imp->set_version(1);
  }
  return hidden;
}

void restore_hidden_nodes(onnx::GraphProto& g, const std::vector<int>& hidden) {
  for (int i : hidden) g.mutable_node(i)->set_domain("");
}

}  // namespace rknnc::frontends::onnx_detail
