#include "quant/qdq_import.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "passes/helpers/rewrite.h"
#include "passes/pass.h"
#include "quant/weights.h"

namespace rknnc::quant {
namespace {

// `rknnc export-qdq` names the float result of an int8 node T `T__float`
// (QuantizeLinear then writes T): the import gives T its name back.
constexpr const char* kExportedFloat = "__float";

bool is_q(const ir::Node& n) { return n.domain.empty() && n.op_type == "QuantizeLinear"; }
bool is_dq(const ir::Node& n) { return n.domain.empty() && n.op_type == "DequantizeLinear"; }

// The parameters one QuantizeLinear / DequantizeLinear node carries, zero
// points as stored; `problem` says why the int8 path cannot use them.
struct NodeParams {
  ir::QuantParams params;
  ir::DataType type = ir::DataType::UInt8;
  std::string problem;
  bool constant = true;  // scale and zero point are constants that fit the input
  bool operator==(const NodeParams& o) const { return params == o.params && type == o.type; }
};

const ir::Shape* data_shape(const ir::Graph& g, const std::string& x) {
  if (const ir::Tensor* c = g.constant(x)) return &c->shape();
  const ir::ValueInfo* vi = g.info(x);
  return vi && vi->has_shape ? &vi->shape : nullptr;
}

NodeParams read_params(const ir::Graph& g, const ir::Node& n) {
  NodeParams r;
  const ir::Tensor* scale = n.has_input(1) ? g.constant(n.input(1)) : nullptr;
  const ir::Tensor* zero = n.has_input(2) ? g.constant(n.input(2)) : nullptr;
  if (!scale || (n.has_input(2) && !zero)) {
    r.problem = "its scale or zero point is not a constant";
    r.constant = false;
    return r;
  }
  const ir::ValueInfo* in = g.info(n.input(0));
  if (zero) r.type = zero->dtype();
  else if (is_dq(n) && in) r.type = in->dtype;
  if (r.type != ir::DataType::Int8 && r.type != ir::DataType::UInt8 && r.type != ir::DataType::Int32)
    r.problem = fmt::format("type {} is not int8 or uint8", ir::dtype_name(r.type));
  if (n.attrs.get_int("block_size", 0) != 0) r.problem = "blocked quantisation (block_size) is not int8 per tensor or per axis";
  r.params.scale = scale->to_float_vector();
  const std::vector<float> zp = zero ? zero->to_float_vector() : std::vector<float>(r.params.scale.size(), 0.f);
  for (float z : zp) r.params.zero_point.push_back(static_cast<int32_t>(z));
  if (r.params.scale.empty() || zp.size() != r.params.scale.size()) {
    r.problem = "its scale and zero point differ in size";
    return r;
  }
  for (float s : r.params.scale)
    if (!(s > 0) || !std::isfinite(s)) r.problem = fmt::format("scale {} is not a positive number", s);
  if (r.params.scale.size() > 1) {  // one value, scalar or 1-D, is per tensor (as onnxruntime reads it)
    const ir::Shape* shape = data_shape(g, n.input(0));
    const int64_t rank = shape ? static_cast<int64_t>(shape->size()) : -1;
    int64_t axis = n.attrs.get_int("axis", 1);
    if (axis < 0) axis += rank;
    r.params.axis = static_cast<int>(axis);
    if (rank < 0 || axis < 0 || axis >= rank ||
        (*shape)[static_cast<size_t>(axis)] != static_cast<int64_t>(r.params.scale.size())) {
      r.problem = fmt::format("its {} scales do not match its input along axis {}", r.params.scale.size(), axis);
      r.constant = false;  // nothing to fold it with: the node stays as it is
    }
  }
  return r;
}

int32_t lowest(ir::DataType t) {
  return t == ir::DataType::Int8 ? -128 : t == ir::DataType::UInt8 ? 0 : std::numeric_limits<int32_t>::min();
}
int32_t highest(ir::DataType t) {
  return t == ir::DataType::Int8 ? 127 : t == ir::DataType::UInt8 ? 255 : std::numeric_limits<int32_t>::max();
}

// The stored integer codes of a constant (int32 biases exceed float's 24 bits).
std::vector<double> codes(const ir::Tensor& t) {
  if (t.dtype() == ir::DataType::Int32) {
    const auto v = t.values<int32_t>();
    return {v.begin(), v.end()};
  }
  const std::vector<float> v = t.to_float_vector();
  return {v.begin(), v.end()};
}

class Importer {
 public:
  Importer(ir::Graph& g, QdqImport& r) : g_(g), r_(r) {}

  void run() {
    fold_parameter_subgraphs();
    for (ir::Node* n : nodes_where(is_q)) drop_noop_casts(*n);
    for (ir::Node* n : nodes_where(is_dq)) fold_constant(*n);
    for (ir::Node* n : nodes_where(is_q)) remove_pair(*n);
    g_.remove_unreachable();
    for (ir::Node* n : nodes_where([](const ir::Node& x) { return is_q(x) || is_dq(x); }))
      warn("node '{}' ({}) is not part of a QuantizeLinear / DequantizeLinear pair rknnc can fold; it runs as a "
           "float op", n->name, n->op_type);
    g_.remove_unused_values();
    g_.sort_topologically();
  }

 private:
  template <typename Pred>
  std::vector<ir::Node*> nodes_where(Pred pred) const {
    std::vector<ir::Node*> out;
    for (const auto& n : g_.nodes)
      if (pred(*n) && !handled_.count(n.get())) out.push_back(n.get());
    return out;
  }

  // Constant subgraphs that compute a scale or zero point (PyTorch's exporter
  // builds zero points with ConstantOfShape + Cast) become constants. The
  // QuantizeLinear / DequantizeLinear nodes are hidden from the folding
  // meanwhile: a folded DequantizeLinear would lose its parameters.
  void fold_parameter_subgraphs() {
    constexpr const char* kHidden = "rknnc.qdq_import";
    const std::vector<ir::Node*> qdq = nodes_where([](const ir::Node& x) { return is_q(x) || is_dq(x); });
    for (ir::Node* n : qdq) n->domain = kHidden;
    passes::PassContext ctx;
    passes::PassRegistry::instance().create("fold_constants")->run(g_, ctx);
    for (ir::Node* n : qdq) n->domain.clear();
  }

  // A Cast of a QuantizeLinear output to its own type (PyTorch puts one
  // between every QuantizeLinear and DequantizeLinear) changes nothing.
  void drop_noop_casts(const ir::Node& qn) {
    const std::string q = qn.outputs.at(0);
    const ir::ValueInfo* vi = g_.info(q);
    if (!vi) return;
    for (ir::Node* c : g_.consumers(q)) {
      if (c->op_type != "Cast" || !c->domain.empty() || g_.is_graph_output(c->outputs.at(0))) continue;
      if (static_cast<ir::DataType>(c->attrs.get_int("to", 0)) != vi->dtype) continue;
      const std::string out = c->outputs.at(0);
      passes::erase_node(g_, c);
      g_.replace_all_uses(out, q);
      g_.values.erase(out);
    }
  }

  template <typename... Args>
  void warn(fmt::format_string<Args...> f, Args&&... args) {
    r_.warnings.push_back(fmt::format(f, std::forward<Args>(args)...));
  }

  // The stored integers behind DequantizeLinear `dq`: a constant, or a
  // QuantizeLinear of a float constant (fake-quantised weights).
  bool stored_values(const ir::Node& dq, const NodeParams& p, std::vector<double>& q, ir::Shape& shape) {
    if (const ir::Tensor* c = g_.constant(dq.input(0))) {
      q = codes(*c);
      shape = c->shape();
      return true;
    }
    const ir::Node* qn = g_.producer(dq.input(0));
    const ir::Tensor* w = qn && is_q(*qn) ? g_.constant(qn->input(0)) : nullptr;
    if (!w || !ir::dtype_is_float(w->dtype())) return false;
    if (!(read_params(g_, *qn) == p)) {
      warn("node '{}': its parameters differ from those of QuantizeLinear '{}'; the weights keep the "
           "DequantizeLinear's", dq.name, qn->name);
    }
    shape = w->shape();
    const ChannelOf ch(shape, p.params);
    q = codes(*w);
    for (int64_t i = 0; i < static_cast<int64_t>(q.size()); ++i) {
      const size_t c = ch(i);
      q[i] = ir::quantize_real(q[i], p.params.scale_at(c), p.params.zero_point_at(c), lowest(p.type), highest(p.type));
    }
    return true;
  }

  // DequantizeLinear of stored integers -> the float constant it computes.
  void fold_constant(ir::Node& dq) {
    const NodeParams p = read_params(g_, dq);
    if (!p.constant) return;
    std::vector<double> q;
    ir::Shape shape;
    if (!stored_values(dq, p, q, shape)) return;
    const ChannelOf ch(shape, p.params);
    std::vector<float> real(q.size());
    for (size_t i = 0; i < q.size(); ++i) {
      const size_t c = ch(static_cast<int64_t>(i));
      real[i] = static_cast<float>((q[i] - p.params.zero_point_at(c)) * p.params.scale_at(c));
    }
    const std::string out = dq.outputs.at(0);
    if (!p.problem.empty())
      warn("node '{}': {}; constant '{}' is used as float and quantised by rknnc", dq.name, p.problem, out);
    else if (p.type != ir::DataType::Int32)
      r_.params[out] = as_int8(p.params, p.type);
    passes::erase_node(g_, &dq);
    g_.add_constant(out, ir::Tensor::from<float>(shape, real));
    ++r_.constants;
  }

  // QuantizeLinear(f) -> q -> DequantizeLinear(s) -> d...: f flows on, named `keep`.
  void remove_pair(ir::Node& qn) {
    const std::string f = qn.input(0), q = qn.outputs.at(0), q_name = qn.name;
    if (g_.is_constant(f) || g_.is_graph_output(q)) return;
    const std::vector<ir::Node*> dqs = g_.consumers(q);
    if (dqs.empty()) return;
    const NodeParams p = read_params(g_, qn);
    for (ir::Node* d : dqs) {
      if (!is_dq(*d) || d->input(0) != q) return;
      if (!(read_params(g_, *d) == p)) {
        warn("node '{}': its parameters differ from those of QuantizeLinear '{}' (a requantisation rknnc cannot "
             "express); both run as float ops", d->name, qn.name);
        handled_.insert(&qn);
        for (ir::Node* x : dqs) handled_.insert(x);
        return;
      }
    }
    const bool f_is_edge = is_graph_input(f) || g_.is_graph_output(f);
    std::string out_d;
    for (ir::Node* d : dqs)
      if (g_.is_graph_output(d->outputs.at(0))) out_d = d->outputs.at(0);
    if (f_is_edge && !out_d.empty()) return;  // input or output straight to output: left to the warning
    const std::string keep = f_is_edge ? f : !out_d.empty() ? out_d : f.starts_with(q + kExportedFloat) ? q : f;
    std::vector<std::string> ds;
    for (ir::Node* d : dqs) ds.push_back(d->outputs.at(0));
    for (ir::Node* d : dqs) passes::erase_node(g_, d);
    passes::erase_node(g_, &qn);
    for (const auto& d : ds)
      if (d != keep) g_.replace_all_uses(d, keep), g_.values.erase(d);
    if (f != keep) passes::rename_value(g_, f, keep);
    ++r_.pairs;
    record(keep, p, q_name);
  }

  void record(const std::string& tensor, const NodeParams& p, const std::string& node) {
    std::string problem = p.problem;
    if (problem.empty() && p.type == ir::DataType::Int32) problem = "type int32 is not int8 or uint8";
    if (problem.empty() && p.params.per_channel()) problem = "per-axis parameters on an activation are not per tensor";
    if (!problem.empty()) {
      warn("node '{}': {}; the pair is removed and tensor '{}' has no int8 parameters from the model", node, problem,
           tensor);
      return;
    }
    const ir::QuantParams int8 = as_int8(p.params, p.type);
    auto [it, inserted] = r_.params.emplace(tensor, int8);
    if (!inserted && !(it->second == int8))
      warn("node '{}': tensor '{}' is quantised twice with different parameters; the first ones are kept", node,
           tensor);
  }

  bool is_graph_input(const std::string& v) const {
    return std::find(g_.inputs.begin(), g_.inputs.end(), v) != g_.inputs.end();
  }

  ir::Graph& g_;
  QdqImport& r_;
  std::set<const ir::Node*> handled_;
};

}  // namespace

bool has_qdq_nodes(const ir::Graph& g) {
  return std::any_of(g.nodes.begin(), g.nodes.end(), [](const auto& n) { return is_q(*n) || is_dq(*n); });
}

ir::QuantParams as_int8(ir::QuantParams p, ir::DataType stored) {
  if (stored == ir::DataType::UInt8)
    for (int32_t& z : p.zero_point) z -= 128;
  return p;
}

QdqImport import_qdq(ir::Graph& g) {
  QdqImport r;
  Importer(g, r).run();
  return r;
}

}  // namespace rknnc::quant
