// Decomposed LayerNorm, as exporters write it before opset 17:
//   m = ReduceMean(x, trailing axes);  d = x - m;  v = ReduceMean(d², same axes)
//   y = d / Sqrt(v + eps)  [· gamma]  [+ beta]
// (d² as Pow(d, 2) or d·d) becomes LayerNormalization(x, gamma, beta) with
// axis = the first reduced axis and epsilon = eps (RKNN-Toolkit2 fuses the
// same subgraph, 004 §8.5.3). gamma and beta must be constants that broadcast
// to the normalised dims only. Exact up to fp32 rounding.
#include <algorithm>

#include "passes/helpers/match.h"
#include "passes/helpers/pattern.h"
#include "passes/helpers/rewrite.h"
#include "passes/pass.h"

namespace rknnc::passes {
namespace {

struct LayerNormMatch {
  std::vector<ir::Node*> nodes;
  std::string x, scale, bias, result;
  int64_t axis = 0;
  float epsilon = 0;
};

// The reduced axes as the first of a run that ends at the last dim, or -1.
int64_t trailing_axis(const ir::Graph& g, const ir::Node& reduce, size_t rank) {
  auto axes = reduce_axes(g, reduce);
  if (!axes || axes->empty() || reduce.attrs.get_int("keepdims", 1) == 0) return -1;
  std::vector<int64_t> norm;
  for (int64_t a : *axes) norm.push_back(a < 0 ? a + static_cast<int64_t>(rank) : a);
  std::sort(norm.begin(), norm.end());
  for (size_t i = 0; i < norm.size(); ++i)
    if (norm[i] != static_cast<int64_t>(rank - norm.size() + i)) return -1;
  return norm.front();
}

// d² written as Pow(d, 2) or Mul(d, d).
ir::Node* square_of(const ir::Graph& g, const std::string& value, const std::string& d) {
  if (ir::Node* p = produced_by(g, value, "Pow"); p && p->input(0) == d && is_scalar(g, *p, 1, 2.0)) return p;
  ir::Node* m = produced_by(g, value, "Mul");
  return m && m->inputs.size() == 2 && m->input(0) == d && m->input(1) == d ? m : nullptr;
}

// A constant that broadcasts to the normalised dims [axis, rank) only.
bool fits_normalised(const ir::Graph& g, const std::string& value, const ir::Shape& x_shape, int64_t axis) {
  const ir::Tensor* t = g.constant(value);
  if (!t || t->dtype() != ir::DataType::Float32) return false;
  const ir::Shape& s = t->shape();
  const size_t k = x_shape.size() - static_cast<size_t>(axis);
  if (s.size() > k) return false;
  for (size_t d = 0; d < s.size(); ++d)
    if (s[d] != 1 && s[d] != x_shape[x_shape.size() - s.size() + d]) return false;
  return true;
}

// Optional "· gamma" and "+ beta" after the Div.
void match_affine(const ir::Graph& g, LayerNormMatch& m, const ir::Shape& x_shape) {
  ir::Node* mul = read_only_by(g, m.result, "Mul");
  auto gi = mul ? other_input(*mul, m.result) : std::nullopt;
  if (!gi || !fits_normalised(g, mul->input(*gi), x_shape, m.axis)) return;
  m.scale = mul->input(*gi);
  m.nodes.push_back(mul);
  m.result = mul->outputs[0];
  ir::Node* add = read_only_by(g, m.result, "Add");
  auto bi = add ? other_input(*add, m.result) : std::nullopt;
  if (!bi || !fits_normalised(g, add->input(*bi), x_shape, m.axis)) return;
  m.bias = add->input(*bi);
  m.nodes.push_back(add);
  m.result = add->outputs[0];
}

std::optional<LayerNormMatch> match_at_div(const ir::Graph& g, ir::Node& div) {
  if (div.op_type != "Div" || !div.domain.empty() || div.inputs.size() != 2) return std::nullopt;
  const std::string& d = div.input(0);
  ir::Node* sqrt = produced_by(g, div.input(1), "Sqrt");
  ir::Node* add_eps = sqrt ? produced_by(g, sqrt->input(0), "Add") : nullptr;
  ir::Node* sub = produced_by(g, d, "Sub");
  if (!add_eps || !sub || add_eps->inputs.size() != 2) return std::nullopt;
  const size_t eps_index = scalar_value(g, *add_eps, 1) ? 1 : 0;
  auto eps = scalar_value(g, *add_eps, eps_index);
  ir::Node* var = produced_by(g, add_eps->input(1 - eps_index), "ReduceMean");
  ir::Node* mean = produced_by(g, sub->input(1), "ReduceMean");
  ir::Node* square = var ? square_of(g, var->input(0), d) : nullptr;
  if (!eps || !mean || !square || mean->input(0) != sub->input(0)) return std::nullopt;
  auto x_shape = static_shape(g, sub->input(0));
  if (!x_shape || x_shape->empty()) return std::nullopt;
  const int64_t axis = trailing_axis(g, *mean, x_shape->size());
  if (axis < 0 || trailing_axis(g, *var, x_shape->size()) != axis) return std::nullopt;
  LayerNormMatch m{{mean, sub, square, var, add_eps, sqrt, &div}, sub->input(0), "", "", div.outputs[0], axis,
                   static_cast<float>(*eps)};
  match_affine(g, m, *x_shape);
  if (!chain_is_private(g, m.nodes, m.result)) return std::nullopt;
  return m;
}

class FuseLayerNorm final : public Pass {
 public:
  std::string_view name() const override { return "fuse_layer_norm"; }
  std::string_view description() const override {
    return "fuse ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div(/Mul/Add) into LayerNormalization";
  }

  PassStats run(ir::Graph& g, PassContext&) override {
    std::vector<LayerNormMatch> found;
    for (const auto& n : g.nodes)
      if (auto m = match_at_div(g, *n)) found.push_back(std::move(*m));
    PassStats stats;
    for (auto& m : found) {
      auto ln = std::make_unique<ir::Node>();
      ln->name = unique_node_name(g, m.nodes.back()->name + "_layernorm");
      ln->op_type = "LayerNormalization";
      std::string scale = m.scale;
      if (scale.empty()) {
        scale = g.unique_name(ln->name + "_scale");
        g.add_constant(scale, ir::Tensor::from<float>({1}, {1.0f}));
      }
      ln->inputs = {m.x, scale};
      if (!m.bias.empty()) ln->inputs.push_back(m.bias);
      ln->outputs = {m.result};
      ln->attrs.set("axis", m.axis);
      ln->attrs.set("epsilon", m.epsilon);
      stats.nodes_removed += static_cast<int64_t>(m.nodes.size());
      ++stats.nodes_added;
      replace_chain(g, m.nodes, std::move(ln));
      ++stats.counters["layer_norm_fused"];
    }
    return stats;
  }
};

RKNNC_REGISTER_PASS(FuseLayerNorm);

}  // namespace
}  // namespace rknnc::passes
