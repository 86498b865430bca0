// Removes ops that return their input unchanged, when the output has the
// input's shape and type: Transpose with the identity perm, Pad by zeros,
// Slice that takes everything, Expand to the same shape, single-input Concat,
// Add/Sub of constant 0 and Mul/Div by constant 1.
#include "passes/helpers/match.h"
#include "passes/helpers/rewrite.h"
#include "passes/pass.h"

namespace rknnc::passes {
namespace {

bool same_value_info(const ir::Graph& g, const std::string& a, const std::string& b) {
  auto sa = static_shape(g, a), sb = static_shape(g, b);
  return sa && sb && *sa == *sb && g.info(a)->dtype == g.info(b)->dtype;
}

bool constant_all(const ir::Graph& g, const std::string& v, double x) {
  const ir::Tensor* t = g.constant(v);
  return t && all_elements_equal(*t, x);
}

bool is_identity_perm(const ir::Node& n, size_t rank) {
  auto perm = n.attrs.get_ints("perm");
  if (perm.empty()) return rank <= 1;  // default perm reverses the dims
  for (size_t i = 0; i < perm.size(); ++i)
    if (perm[i] != static_cast<int64_t>(i)) return false;
  return true;
}

// Slice over static shapes with constant, unit steps that keeps every element.
bool slice_takes_all(const ir::Graph& g, const ir::Node& n) {
  for (size_t i = 1; i < n.inputs.size(); ++i)
    if (n.has_input(i) && !g.is_constant(n.input(i))) return false;
  return !n.has_input(4) || constant_all(g, n.input(4), 1.0);
}

bool is_noop(const ir::Graph& g, const ir::Node& n) {
  if (!n.domain.empty() || n.inputs.empty() || n.outputs.size() != 1) return false;
  const std::string& x = n.input(0);
  const std::string& y = n.outputs[0];
  const std::string& op = n.op_type;
  if (op == "Transpose") return same_value_info(g, x, y) && is_identity_perm(n, static_shape(g, x)->size());
  if (op == "Pad") return same_value_info(g, x, y) && n.has_input(1) && constant_all(g, n.input(1), 0.0);
  if (op == "Slice") return same_value_info(g, x, y) && slice_takes_all(g, n);
  if (op == "Expand") return same_value_info(g, x, y);
  if (op == "Concat") return n.inputs.size() == 1 && same_value_info(g, x, y);
  if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") {
    const double neutral = op == "Add" || op == "Sub" ? 0.0 : 1.0;
    // x op c only (c op x is not the identity for Sub/Div).
    return n.inputs.size() == 2 && !g.is_constant(x) && constant_all(g, n.input(1), neutral) &&
           same_value_info(g, x, y);
  }
  return false;
}

class EliminateNoopOps final : public Pass {
 public:
  std::string_view name() const override { return "eliminate_noop_ops"; }
  std::string_view description() const override {
    return "remove identity Transpose, zero Pad, full Slice, same-shape Expand, +0, *1";
  }

  PassStats run(ir::Graph& g, PassContext&) override {
    PassStats stats;
    std::map<std::string, int64_t> by_op;
    stats.nodes_removed = bypass_nodes_if(g, is_noop, &by_op);
    for (const auto& [op, count] : by_op) stats.counters[op + "_removed"] = count;
    return stats;
  }
};

RKNNC_REGISTER_PASS(EliminateNoopOps);

}  // namespace
}  // namespace rknnc::passes
