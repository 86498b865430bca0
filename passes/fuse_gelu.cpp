// Both GELU forms exporters write become one Gelu (opset 20):
//   erf:  x · 0.5 · (1 + Erf(x / √2))                       → Gelu(x)
//   tanh: x · 0.5 · (1 + Tanh(√(2/π) · (x + 0.044715·x³)))  → Gelu(x, approximate="tanh")
// x / √2 may be x · (1/√2); x³ may be Pow(x, 3), x·(x·x) or (x·x)·x; the
// final product may be (x · (1+…)) · 0.5, (0.5 · (1+…)) · x or (x · 0.5) · (1+…).
// Constants match within a relative 1e-4. Exact up to fp32 rounding.
#include <cmath>
#include <numbers>

#include "passes/helpers/match.h"
#include "passes/helpers/pattern.h"
#include "passes/helpers/rewrite.h"
#include "passes/pass.h"

namespace rknnc::passes {
namespace {

constexpr double kRtol = 1e-4;

struct GeluMatch {
  std::vector<ir::Node*> nodes;
  std::string x, result;
  bool tanh = false;
};

// x from x / √2 or x · (1/√2).
std::optional<std::string> erf_argument(const ir::Graph& g, const std::string& value) {
  if (ir::Node* d = produced_by(g, value, "Div"); d && is_scalar(g, *d, 1, std::sqrt(2.0), kRtol)) return d->input(0);
  ir::Node* m = produced_by(g, value, "Mul");
  for (size_t i = 0; m && i < 2 && m->inputs.size() == 2; ++i)
    if (is_scalar(g, *m, 1 - i, 1 / std::sqrt(2.0), kRtol)) return m->input(i);
  return std::nullopt;
}

// The node computing x³ from x: Pow(x, 3), Mul(x, Mul(x, x)) or Mul(Mul(x, x), x).
std::vector<ir::Node*> cube_of(const ir::Graph& g, const std::string& value, const std::string& x) {
  if (ir::Node* p = produced_by(g, value, "Pow"); p && p->input(0) == x && is_scalar(g, *p, 1, 3.0)) return {p};
  ir::Node* m = produced_by(g, value, "Mul");
  if (!m || m->inputs.size() != 2) return {};
  for (size_t i = 0; i < 2; ++i) {
    ir::Node* sq = m->input(i) == x ? produced_by(g, m->input(1 - i), "Mul") : nullptr;
    if (sq && sq->inputs.size() == 2 && sq->input(0) == x && sq->input(1) == x) return {sq, m};
  }
  return {};
}

// √(2/π) · (x + 0.044715 · x³): the nodes, and x.
std::optional<std::string> tanh_argument(const ir::Graph& g, const std::string& value, std::vector<ir::Node*>& nodes) {
  ir::Node* scale = produced_by(g, value, "Mul");
  auto ri = scale && is_scalar(g, *scale, 0, std::sqrt(2 / std::numbers::pi), kRtol) ? std::optional<size_t>(1)
          : scale && is_scalar(g, *scale, 1, std::sqrt(2 / std::numbers::pi), kRtol) ? std::optional<size_t>(0)
                                                                          : std::nullopt;
  ir::Node* sum = ri ? produced_by(g, scale->input(*ri), "Add") : nullptr;
  for (size_t i = 0; sum && i < 2 && sum->inputs.size() == 2; ++i) {
    const std::string& x = sum->input(i);
    ir::Node* k = produced_by(g, sum->input(1 - i), "Mul");
    if (!k || k->inputs.size() != 2) continue;
    const size_t ci = is_scalar(g, *k, 0, 0.044715, kRtol) ? 1 : 0;
    if (!is_scalar(g, *k, 1 - ci, 0.044715, kRtol)) continue;
    auto cube = cube_of(g, k->input(ci), x);
    if (cube.empty()) continue;
    nodes.insert(nodes.end(), cube.begin(), cube.end());
    nodes.insert(nodes.end(), {k, sum, scale});
    return x;
  }
  return std::nullopt;
}

// 1 + f, then the product with x and 0.5 in any of the three orders.
bool match_tail(const ir::Graph& g, ir::Node& f, GeluMatch& m) {
  ir::Node* plus = read_only_by(g, f.outputs[0], "Add");
  auto one = plus ? other_input(*plus, f.outputs[0]) : std::nullopt;
  if (!one || !is_scalar(g, *plus, *one, 1.0)) return false;
  ir::Node* m1 = read_only_by(g, plus->outputs[0], "Mul");
  auto oi = m1 ? other_input(*m1, plus->outputs[0]) : std::nullopt;
  if (!oi) return false;
  const std::string& other = m1->input(*oi);
  ir::Node* half = produced_by(g, other, "Mul");
  auto hx = half ? other_input(*half, m.x) : std::nullopt;
  if (half && hx && is_scalar(g, *half, *hx, 0.5)) {  // (x · 0.5) · (1 + f)
    m.nodes.insert(m.nodes.end(), {&f, plus, half, m1});
    m.result = m1->outputs[0];
    return true;
  }
  const bool by_x = other == m.x;
  if (!by_x && !is_scalar(g, *m1, *oi, 0.5)) return false;
  ir::Node* m2 = read_only_by(g, m1->outputs[0], "Mul");
  auto li = m2 ? other_input(*m2, m1->outputs[0]) : std::nullopt;
  if (!li || (by_x ? !is_scalar(g, *m2, *li, 0.5) : m2->input(*li) != m.x)) return false;
  m.nodes.insert(m.nodes.end(), {&f, plus, m1, m2});
  m.result = m2->outputs[0];
  return true;
}

std::optional<GeluMatch> match_at(const ir::Graph& g, ir::Node& f) {
  if (!f.domain.empty() || f.inputs.size() != 1) return std::nullopt;
  GeluMatch m;
  if (f.op_type == "Erf") {
    auto x = erf_argument(g, f.input(0));
    if (!x) return std::nullopt;
    m.x = *x;
    m.nodes.push_back(g.producer(f.input(0)));
  } else if (f.op_type == "Tanh") {
    auto x = tanh_argument(g, f.input(0), m.nodes);
    if (!x) return std::nullopt;
    m.x = *x;
    m.tanh = true;
  } else {
    return std::nullopt;
  }
  if (!match_tail(g, f, m) || !chain_is_private(g, m.nodes, m.result)) return std::nullopt;
  return m;
}

class FuseGelu final : public Pass {
 public:
  std::string_view name() const override { return "fuse_gelu"; }
  std::string_view description() const override { return "fuse the Erf and Tanh forms of GELU into Gelu"; }

  PassStats run(ir::Graph& g, PassContext&) override {
    std::vector<GeluMatch> found;
    for (const auto& n : g.nodes)
      if (auto m = match_at(g, *n)) found.push_back(std::move(*m));
    PassStats stats;
    for (auto& m : found) {
      auto gelu = std::make_unique<ir::Node>();
      gelu->name = unique_node_name(g, m.nodes.back()->name + "_gelu");
      gelu->op_type = "Gelu";
      gelu->inputs = {m.x};
      gelu->outputs = {m.result};
      if (m.tanh) gelu->attrs.set("approximate", std::string("tanh"));
      stats.nodes_removed += static_cast<int64_t>(m.nodes.size());
      ++stats.nodes_added;
      replace_chain(g, m.nodes, std::move(gelu));
      ++stats.counters[m.tanh ? "gelu_tanh_fused" : "gelu_erf_fused"];
    }
    return stats;
  }
};

RKNNC_REGISTER_PASS(FuseGelu);

}  // namespace
}  // namespace rknnc::passes
