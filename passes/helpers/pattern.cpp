#include "passes/helpers/pattern.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "passes/helpers/match.h"

namespace rknnc::passes {

ir::Node* produced_by(const ir::Graph& g, const std::string& value, std::string_view op) {
  ir::Node* n = value.empty() ? nullptr : g.producer(value);
  return n && n->domain.empty() && n->op_type == op ? n : nullptr;
}

ir::Node* read_only_by(const ir::Graph& g, const std::string& value, std::string_view op) {
  ir::Node* n = single_consumer(g, value);
  return n && n->domain.empty() && n->op_type == op ? n : nullptr;
}

std::optional<size_t> other_input(const ir::Node& n, const std::string& value) {
  if (n.inputs.size() != 2 || n.inputs[0] == n.inputs[1]) return std::nullopt;
  if (n.inputs[0] == value) return 1;
  if (n.inputs[1] == value) return 0;
  return std::nullopt;
}

std::optional<double> scalar_value(const ir::Graph& g, const ir::Node& n, size_t i) {
  const ir::Tensor* t = float_constant_input(g, n, i);
  if (!t || t->numel() != 1) return std::nullopt;
  return t->get_as_double(0);
}

bool is_scalar(const ir::Graph& g, const ir::Node& n, size_t i, double v, double rtol) {
  auto s = scalar_value(g, n, i);
  return s && std::abs(*s - v) <= rtol * std::abs(v);
}

std::optional<std::vector<int64_t>> reduce_axes(const ir::Graph& g, const ir::Node& n) {
  if (n.attrs.has("axes")) return n.attrs.get_ints("axes");
  if (!n.has_input(1)) return std::vector<int64_t>{};
  const ir::Tensor* t = g.constant(n.input(1));
  if (!t) return std::nullopt;
  return t->to_int_vector();
}

bool chain_is_private(const ir::Graph& g, const std::vector<ir::Node*>& matched, const std::string& result) {
  const std::set<const ir::Node*> inside(matched.begin(), matched.end());
  if (inside.size() != matched.size()) return false;
  for (const ir::Node* n : matched)
    for (const auto& out : n->outputs) {
      if (out.empty() || out == result) continue;
      if (g.is_graph_output(out)) return false;
      for (const ir::Node* reader : g.consumers(out))
        if (!inside.count(reader)) return false;
    }
  return true;
}

void replace_chain(ir::Graph& g, const std::vector<ir::Node*>& matched, std::unique_ptr<ir::Node> fused) {
  const std::set<const ir::Node*> gone(matched.begin(), matched.end());
  g.remove_nodes_if([&](const ir::Node& n) { return gone.count(&n) != 0; });
  g.add_node(std::move(fused));
  g.sort_topologically();
  g.remove_unused_values();
}

}  // namespace rknnc::passes
