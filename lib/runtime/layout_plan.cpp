#include "runtime/layout_plan.h"

#include <cstdlib>
#include <map>
#include <set>
#include <string_view>

#include "runtime/kernels/helpers/blocked_conv.h"
#include "runtime/kernels/helpers/packed_gemm.h"

namespace rknnc::runtime {
namespace {

using kernels::kChannelBlock;

// Ops that compute each output element from the elements at the same index
// of their operands (and attributes): on 5-D blocked tensors of one shape
// they give the same values at the same places.
const std::set<std::string_view> kElementwise = {
    "Abs",  "Add",       "Ceil",     "Celu",  "Clip",    "Cos",      "Div",         "Elu",  "Erf",
    "Exp",  "Floor",     "Gelu",     "HardSigmoid", "HardSwish", "Identity", "LeakyRelu", "Max",
    "Mean", "Min",       "Mish",     "Mul",   "Neg",     "Pow",      "Reciprocal",  "Relu", "Round",
    "Selu", "Sigmoid",   "Sign",     "Sin",   "Softplus", "Sqrt",    "Sub",         "Sum",  "Tanh",
    "ThresholdedRelu"};

enum class NodeKind { Plain, Conv, Depthwise, Elementwise, BatchNorm, Concat, MaxPool, GlobalPool };

struct Info {
  NodeKind kind = NodeKind::Plain;
  std::vector<size_t> data;  // input indices read blocked when the output is
  bool blocked = false;      // the output is held blocked
};

class Planner {
 public:
  explicit Planner(const ir::Graph& g) : g_(g) {}
  LayoutPlan run();

 private:
  const ir::ValueInfo* float4d(const std::string& v) const;
  bool scalar(const std::string& v) const;
  Info classify(const ir::Node& n) const;
  bool reads_blocked(const ir::Node& consumer, const std::string& v) const;
  bool wanted_blocked(const std::string& v, int depth) const;
  bool blocked_value(const std::string& v) const;
  bool decide(const ir::Node& n) const;
  std::unique_ptr<ir::Node> rewrite(const ir::Node& n) const;
  bool converted_after(const ir::Node& n) const;
  std::unique_ptr<ir::Node> convert(const std::string& v, const char* op, const std::string& from,
                                    const std::string& to) const;

  const ir::Graph& g_;
  std::map<const ir::Node*, Info> info_;
  std::map<std::string, const ir::Node*> producer_;
  std::map<std::string, std::vector<const ir::Node*>> readers_;
};

// The value's info when it is a float32 N,C,H,W value of static shape.
const ir::ValueInfo* Planner::float4d(const std::string& v) const {
  const ir::ValueInfo* i = v.empty() ? nullptr : g_.info(v);
  if (!i || !i->has_shape || i->shape.size() != 4 || i->dtype != ir::DataType::Float32) return nullptr;
  for (int64_t d : i->shape)
    if (d <= 0) return nullptr;
  return i;
}

bool Planner::scalar(const std::string& v) const {
  if (v.empty()) return true;
  const ir::ValueInfo* i = g_.info(v);
  return i && i->has_shape && ir::shape_numel(i->shape) == 1 && g_.is_constant(v);
}

Info Planner::classify(const ir::Node& n) const {
  Info info;
  if (!n.domain.empty() || n.outputs.size() != 1) return info;
  const ir::ValueInfo* out = float4d(n.outputs[0]);
  if (!out) return info;
  if (n.op_type == "Conv") {
    const ir::Tensor* w = g_.constant(n.input(1));
    const ir::ValueInfo* x = float4d(n.input(0));
    if (!x || !w || w->dtype() != ir::DataType::Float32 || w->shape().size() != 4) return info;
    if (n.has_input(2) && !g_.constant(n.input(2))) return info;
    const int64_t group = n.attrs.get_int("group", 1), c = x->shape[1], m = w->shape()[0];
    if (group == 1 && w->shape()[1] == c) info.kind = NodeKind::Conv;
    else if (group == c && m == c && w->shape()[1] == 1) info.kind = NodeKind::Depthwise;
    else return info;
    info.data = {0};
    return info;
  }
  if (n.op_type == "BatchNormalization") {
    for (size_t i = 1; i < 5; ++i)
      if (!g_.constant(n.input(i))) return info;
    if (n.attrs.get_int("training_mode", 0) != 0 || !float4d(n.input(0))) return info;
    info.kind = NodeKind::BatchNorm;
    info.data = {0};
    return info;
  }
  if (n.op_type == "MaxPool") {
    const ir::ValueInfo* x = float4d(n.input(0));
    if (!x || n.attrs.get_int("storage_order", 0) != 0) return info;
    info.kind = NodeKind::MaxPool;
    info.data = {0};
    return info;
  }
  if (n.op_type == "GlobalAveragePool") {
    if (!float4d(n.input(0))) return info;
    info.kind = NodeKind::GlobalPool;
    info.data = {0};
    return info;
  }
  if (n.op_type == "Concat") {
    const int64_t axis = n.attrs.get_int("axis", 0);
    if (axis != 1 && axis != -3) return info;
    for (size_t i = 0; i < n.inputs.size(); ++i) {
      const ir::ValueInfo* x = float4d(n.inputs[i]);
      if (!x || g_.is_constant(n.inputs[i]) || x->shape[1] % kChannelBlock != 0) return info;
      info.data.push_back(i);
    }
    info.kind = NodeKind::Concat;
    return info;
  }
  if (!kElementwise.count(n.op_type)) return info;
  for (size_t i = 0; i < n.inputs.size(); ++i) {
    if (scalar(n.inputs[i])) continue;
    const ir::ValueInfo* x = float4d(n.inputs[i]);
    if (!x || g_.is_constant(n.inputs[i]) || x->shape != out->shape) return info;
    info.data.push_back(i);
  }
  if (!info.data.empty()) info.kind = NodeKind::Elementwise;
  return info;
}

// Whether `consumer`, as now decided, reads value v blocked.
bool Planner::reads_blocked(const ir::Node& consumer, const std::string& v) const {
  const Info& c = info_.at(&consumer);
  if (c.kind == NodeKind::Plain || !c.blocked) return false;
  for (size_t i : c.data)
    if (consumer.inputs[i] == v) return true;
  return false;
}

// Whether a convolution reads v blocked, directly or through element-wise
// ops that would run blocked.
bool Planner::wanted_blocked(const std::string& v, int depth) const {
  auto it = readers_.find(v);
  if (it == readers_.end() || depth > 8) return false;
  for (const ir::Node* r : it->second) {
    const Info& c = info_.at(r);
    // a global pool reads its input blocked as cheaply, and its output is one pixel
    if (c.kind == NodeKind::Depthwise || (c.kind == NodeKind::Conv && c.blocked) ||
        (c.kind == NodeKind::GlobalPool && c.blocked))
      return true;
    if (c.kind != NodeKind::Conv && reads_blocked(*r, v) && wanted_blocked(r->outputs[0], depth + 1)) return true;
  }
  return false;
}

bool Planner::blocked_value(const std::string& v) const {
  auto p = producer_.find(v);
  return p != producer_.end() && info_.at(p->second).blocked;
}

// The output of n is blocked: a regular Conv when a reader wants it, or
// when its input is blocked and its output is no larger (a detection head
// of 255 channels whose readers all read NCHW runs plain on its input made
// plain, which is smaller than its output); a depthwise Conv or an
// element-wise op when its inputs are.
bool Planner::decide(const ir::Node& n) const {
  const Info& i = info_.at(&n);
  if (i.kind == NodeKind::Plain) return false;
  bool inputs = true;
  for (size_t k : i.data) inputs = inputs && blocked_value(n.inputs[k]);
  if (i.kind != NodeKind::Conv) return inputs;
  if (wanted_blocked(n.outputs[0], 0)) return true;
  return inputs && ir::shape_numel(g_.info(n.outputs[0])->shape) <= ir::shape_numel(g_.info(n.inputs[0])->shape);
}

std::unique_ptr<ir::Node> Planner::rewrite(const ir::Node& n) const {
  const Info& i = info_.at(&n);
  auto r = std::make_unique<ir::Node>(n);
  for (size_t k : i.data)
    if (blocked_value(n.inputs[k])) r->inputs[k] += kBlockedSuffix;
  r->outputs[0] += kBlockedSuffix;
  if (i.kind == NodeKind::Conv || i.kind == NodeKind::Depthwise) r->op_type = "rknnc.ConvBlocked";
  if (i.kind == NodeKind::BatchNorm) r->op_type = "rknnc.BatchNormalizationBlocked";
  if (i.kind == NodeKind::MaxPool) r->op_type = "rknnc.MaxPoolBlocked";
  if (i.kind == NodeKind::GlobalPool) r->op_type = "rknnc.GlobalAveragePoolBlocked";
  if (i.kind == NodeKind::Concat) r->attrs.set("axis", int64_t{1});
  return r;
}

// A regular Conv of an NCHW input of 16 channels or more runs as it is and
// its output is blocked after it. Read plain by the direct kernel, an
// input's channels are planes apart (1x1 128->128 on 80x80: 2.3 -> 3.1 ms).
// A network's first convolution (an RGB image) reads its input plain: made
// blocked after the NCHW kernel, yolov5s's 6x6 stem took 8.6 + 3.6 ms
// against 11.2 ms.
bool Planner::converted_after(const ir::Node& n) const {
  return info_.at(&n).kind == NodeKind::Conv && !blocked_value(n.inputs[0]) &&
         g_.info(n.inputs[0])->shape[1] >= kChannelBlock;
}

// A layout conversion of value v (its channel count from the graph).
std::unique_ptr<ir::Node> Planner::convert(const std::string& v, const char* op, const std::string& from,
                                           const std::string& to) const {
  auto r = std::make_unique<ir::Node>();
  r->name = v + (std::string_view(op) == "rknnc.ToPlain" ? " (to NCHW)" : " (to NCHW16c)");
  r->op_type = op;
  r->inputs = {from};
  r->outputs = {to};
  r->attrs.set("channels", g_.info(v)->shape[1]);
  return r;
}

LayoutPlan Planner::run() {
  for (const auto& n : g_.nodes) {
    Info i = classify(*n);
    i.blocked = i.kind != NodeKind::Plain;
    info_[n.get()] = i;
    for (const auto& out : n->outputs) producer_[out] = n.get();
    std::set<std::string> seen;
    for (const auto& in : n->inputs)
      if (!in.empty() && seen.insert(in).second) readers_[in].push_back(n.get());
  }
  // Blocked only shrinks from "every candidate", so this ends.
  for (bool changed = true; changed;) {
    changed = false;
    for (const auto& n : g_.nodes) {
      Info& i = info_[n.get()];
      const bool b = decide(*n);
      changed = changed || b != i.blocked;
      i.blocked = b;
    }
  }
  LayoutPlan plan;
  for (const auto& n : g_.nodes) {
    if (!info_[n.get()].blocked) {
      plan.nodes.push_back(n.get());
      continue;
    }
    ++plan.blocked_values;
    const std::string& out = n->outputs[0];
    if (converted_after(*n)) {  // the NCHW value, then its blocked copy
      plan.nodes.push_back(n.get());
      plan.owned.push_back(convert(out, "rknnc.ToBlocked", out, out + kBlockedSuffix));
      plan.nodes.push_back(plan.owned.back().get());
      continue;
    }
    plan.owned.push_back(rewrite(*n));
    plan.nodes.push_back(plan.owned.back().get());
    bool plain_reader = g_.is_graph_output(out);
    for (const ir::Node* r : readers_[out]) plain_reader = plain_reader || !reads_blocked(*r, out);
    if (!plain_reader) continue;
    plan.owned.push_back(convert(out, "rknnc.ToPlain", out + kBlockedSuffix, out));
    plan.nodes.push_back(plan.owned.back().get());
  }
  if (plan.blocked_values == 0) return {};
  return plan;
}

// Who reads and who writes each value of a plan, for fusing a node into
// the one producer of an operand that it alone reads: the fused node takes
// the reader's place (where all its inputs are computed), the producer's
// place is left out.
struct PlanFusion {
  LayoutPlan& plan;
  std::map<std::string, int> reads;
  std::map<std::string, size_t> producer;  // index into plan.nodes
  std::vector<char> fused_away;

  explicit PlanFusion(LayoutPlan& p) : plan(p), fused_away(p.nodes.size(), 0) {
    for (size_t i = 0; i < plan.nodes.size(); ++i) {
      for (const auto& in : plan.nodes[i]->inputs)
        if (!in.empty()) ++reads[in];
      for (const auto& out : plan.nodes[i]->outputs) producer[out] = i;
    }
  }
  // The node producing v when v's only reader is the reader being fused (a
  // graph output is read by its rknnc.ToPlain), else null.
  const ir::Node* sole_producer(const std::string& v) const {
    const auto p = producer.find(v);
    if (p == producer.end() || fused_away[p->second] || reads.at(v) != 1) return nullptr;
    return plan.nodes[p->second];
  }
  // Node `reader` (index i) becomes `fused`, computing its outputs; the producer of v goes.
  void replace(size_t i, const std::string& v, std::unique_ptr<ir::Node> fused) {
    fused->outputs = plan.nodes[i]->outputs;
    plan.owned.push_back(std::move(fused));
    plan.nodes[i] = plan.owned.back().get();
    fused_away[producer.at(v)] = 1;
  }
  void finish() {
    size_t kept = 0;
    for (size_t i = 0; i < plan.nodes.size(); ++i)
      if (!fused_away[i]) plan.nodes[kept++] = plan.nodes[i];
    plan.nodes.resize(kept);
  }
};

bool blocked_name(const std::string& v) { return v.ends_with(kBlockedSuffix); }

// A residual Add of two blocked values of one shape, one of them the output
// of a group-1 blocked convolution that only this Add reads, runs inside
// that convolution: its tiles add the other operand to their outputs after
// the activation, which is the Add's value, and the Add's pass over memory
// is gone (onnxruntime's NCHWc convolutions fuse their "Sum" the same way).
void fuse_residual_add(PlanFusion& f, size_t i, const ir::Graph& g) {
  const ir::Node& add = *f.plan.nodes[i];
  auto logical_shape = [&](const std::string& v) {
    const ir::ValueInfo* info = g.info(v.substr(0, v.size() - std::string_view(kBlockedSuffix).size()));
    return info ? info->shape : ir::Shape{};
  };
  if (add.inputs.size() != 2 || !blocked_name(add.inputs[0]) || !blocked_name(add.inputs[1]) ||
      add.inputs[0] == add.inputs[1] || logical_shape(add.inputs[0]).empty() ||
      logical_shape(add.inputs[0]) != logical_shape(add.inputs[1]))
    return;
  // An activation fused into the Add (a Relu after a v1 resnet's sum) runs
  // on the sum: the conv's own must then be absent.
  const bool add_activation = add.attrs.has("activation");
  for (size_t k = 0; k < 2; ++k) {
    const ir::Node* conv = f.sole_producer(add.inputs[k]);
    if (!conv || conv->op_type != "rknnc.ConvBlocked" || conv->attrs.get_int("group", 1) != 1) continue;
    if (add_activation && conv->attrs.has("activation")) continue;
    auto fused = std::make_unique<ir::Node>(*conv);
    fused->inputs.resize(3);  // x, W, B ("" when absent)
    fused->inputs.push_back(add.inputs[1 - k]);
    if (add_activation) {
      for (const auto& [key, value] : add.attrs.all())
        if (key.starts_with("activation")) fused->attrs.set(key, value);
      fused->attrs.set("residual_first", int64_t{1});
    }
    return f.replace(i, add.inputs[k], std::move(fused));
  }
}

// A Relu of a blocked BatchNormalization that only it reads runs inside it,
// on each value as it is computed (a pre-activation resnet's
// BatchNormalization + Relu before each block: one pass over memory fewer).
void fuse_batch_norm_relu(PlanFusion& f, size_t i) {
  const ir::Node& relu = *f.plan.nodes[i];
  if (relu.inputs.size() != 1 || !blocked_name(relu.inputs[0])) return;
  const ir::Node* bn = f.sole_producer(relu.inputs[0]);
  if (!bn || bn->op_type != "rknnc.BatchNormalizationBlocked" || bn->attrs.has("activation")) return;
  auto fused = std::make_unique<ir::Node>(*bn);
  fused->attrs.set("activation", std::string("Relu"));
  f.replace(i, relu.inputs[0], std::move(fused));
}

void fuse_into_producers(LayoutPlan& plan, const ir::Graph& g) {
  PlanFusion f(plan);
  for (size_t i = 0; i < plan.nodes.size(); ++i) {
    if (plan.nodes[i]->op_type == "Add") fuse_residual_add(f, i, g);
    if (plan.nodes[i]->op_type == "Relu") fuse_batch_norm_relu(f, i);
  }
  f.finish();
}

}  // namespace

LayoutPlan plan_layout(const ir::Graph& graph) {
  const char* env = std::getenv("RKNNC_LAYOUT");
  if (env && std::string_view(env) == "plain") return {};
  if (!graph.quant.empty() || !kernels::conv_blocked_supported(kernels::gemm_isa())) return {};
  LayoutPlan plan = Planner(graph).run();
  fuse_into_producers(plan, graph);
  return plan;
}

}  // namespace rknnc::runtime
