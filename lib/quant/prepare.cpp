#include "quant/prepare.h"

#include "passes/helpers/rewrite.h"

namespace rknnc::quant {
namespace {

bool is_clamp(const std::string& activation) { return activation == "Relu" || activation == "Clip"; }

// The node(s) computing `activation` from `x` into `y`, as ONNX ops.
void add_activation_nodes(ir::Graph& g, const ir::Node& producer, const std::string& x, const std::string& y) {
  const ir::Attributes& a = producer.attrs;
  const std::string act = a.get_string("activation", "");
  const ir::ValueInfo vi = *g.info(y);
  auto node = [&](const std::string& op, std::vector<std::string> in, const std::string& out) -> ir::Node& {
    auto n = std::make_unique<ir::Node>();
    n->name = passes::unique_node_name(g, producer.name + "_" + op);
    n->op_type = op;
    n->inputs = std::move(in);
    n->outputs = {out};
    g.values[out] = vi;
    return g.add_node(std::move(n));
  };
  if (act == "SiLU") {
    const std::string s = g.unique_name(y + "_sigmoid");
    node("Sigmoid", {x}, s);
    node("Mul", {x, s}, y);
  } else if (act == "Clip") {
    std::vector<std::string> in = {x, "", ""};
    const ir::Shape scalar;
    if (a.has("activation_min"))
      in[1] = g.unique_name(y + "_min"), g.add_constant(in[1], ir::Tensor::from<float>(scalar, {a.get_float("activation_min", 0.f)}));
    if (a.has("activation_max"))
      in[2] = g.unique_name(y + "_max"), g.add_constant(in[2], ir::Tensor::from<float>(scalar, {a.get_float("activation_max", 0.f)}));
    while (!in.empty() && in.back().empty()) in.pop_back();
    node("Clip", in, y);
  } else {
    ir::Node& n = node(act, {x}, y);
    if (act == "LeakyRelu") n.attrs.set("alpha", a.get_float("activation_alpha", 0.01f));
  }
}

}  // namespace

void unfuse_activation(ir::Graph& g, ir::Node& producer) {
  if (producer.attrs.get_string("activation", "").empty()) return;
  const std::string y = producer.outputs[0];
  const std::string pre = g.unique_name(y + "_preact");
  producer.outputs[0] = pre;
  g.values[pre] = *g.info(y);
  add_activation_nodes(g, producer, pre, y);
  for (const char* key : {"activation", "activation_min", "activation_max", "activation_alpha"}) producer.attrs.erase(key);
}

namespace {

ir::Tensor transposed_2d(const ir::Tensor& t) {
  const int64_t r = t.shape()[0], c = t.shape()[1];
  ir::Tensor out(ir::DataType::Float32, {c, r});
  const float* src = t.data<float>();
  float* dst = out.data<float>();
  for (int64_t i = 0; i < r; ++i)
    for (int64_t j = 0; j < c; ++j) dst[j * r + i] = src[i * c + j];
  return out;
}

ir::Tensor scaled(const ir::Tensor& t, float factor) {
  ir::Tensor out = t.clone();
  for (float& v : std::span<float>(out.data<float>(), static_cast<size_t>(out.numel()))) v *= factor;
  return out;
}

const ir::Tensor* float_constant(const ir::Graph& g, const ir::Node& n, size_t i, size_t rank) {
  const ir::Tensor* t = n.has_input(i) ? g.constant(n.input(i)) : nullptr;
  return t && t->dtype() == ir::DataType::Float32 && t->shape().size() == rank ? t : nullptr;
}

// Gemm(A, B, C) with constant B and optional constant C → transB 1, alpha = beta = 1.
void normalise_gemm(ir::Graph& g, ir::Node& n) {
  const ir::Tensor* b = float_constant(g, n, 1, 2);
  if (!b || n.attrs.get_int("transA", 0) != 0) return;
  const ir::Tensor* c = n.has_input(2) ? g.constant(n.input(2)) : nullptr;
  if (n.has_input(2) && (!c || c->dtype() != ir::DataType::Float32)) return;
  const float alpha = n.attrs.get_float("alpha", 1.f), beta = n.attrs.get_float("beta", 1.f);
  // Already normal: the weight keeps its name (a QDQ model's parameters are kept by it).
  if (n.attrs.get_int("transB", 0) == 1 && alpha == 1.f && beta == 1.f) return;
  ir::Tensor w = n.attrs.get_int("transB", 0) ? *b : transposed_2d(*b);
  if (alpha != 1.f) w = scaled(w, alpha);
  const ir::Tensor bias = c && beta != 1.f ? scaled(*c, beta) : ir::Tensor();
  passes::set_constant_input(g, n, 1, w, n.input(1) + "_t");
  if (!bias.empty()) passes::set_constant_input(g, n, 2, bias, n.input(2) + "_scaled");
  n.attrs.set("transB", int64_t{1});
  n.attrs.erase("alpha");
  n.attrs.erase("beta");
}

void matmul_to_gemm(ir::Graph& g, ir::Node& n) {
  const ir::ValueInfo* a = g.info(n.input(0));
  const ir::Tensor* b = float_constant(g, n, 1, 2);
  if (!b || !a || !a->has_shape || a->shape.size() != 2) return;
  n.op_type = "Gemm";
  passes::set_constant_input(g, n, 1, transposed_2d(*b), n.input(1) + "_t");
  n.attrs.set("transB", int64_t{1});
}

}  // namespace

int unfuse_activations(ir::Graph& g, bool clamps_too) {
  int added = 0;
  const size_t count = g.nodes.size();
  for (size_t i = 0; i < count; ++i) {
    ir::Node& n = *g.nodes[i];
    const std::string act = n.attrs.get_string("activation", "");
    if (act.empty() || (!clamps_too && is_clamp(act))) continue;
    const size_t before = g.nodes.size();
    unfuse_activation(g, n);
    added += static_cast<int>(g.nodes.size() - before);
  }
  if (added) g.sort_topologically();
  return added;
}

void prepare_for_int8(ir::Graph& g) {
  unfuse_activations(g, false);
  for (auto& n : g.nodes) {
    if (!n->domain.empty()) continue;
    if (n->op_type == "MatMul") matmul_to_gemm(g, *n);
    if (n->op_type == "Gemm") normalise_gemm(g, *n);
  }
  g.remove_unused_values();
}

}  // namespace rknnc::quant
