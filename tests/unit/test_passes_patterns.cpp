// fuse_layer_norm, fuse_gelu and find_attention_blocks on hand-built graphs:
// the exporters' forms fuse (same outputs), near misses do not.
#include <cmath>

#include "test_passes_common.h"

using namespace rknnc;
using test::check_same_outputs;
using test::count_ops;
using test::GraphBuilder;
using test::run_pass;

namespace patterns_test {

using Ints = std::vector<int64_t>;

// x [2,5,16] → decomposed LayerNorm over `axes` (· gamma + beta); returns the output.
std::string decomposed_layer_norm(GraphBuilder& b, const std::string& x, Ints axes, bool affine = true) {
  const ir::Shape s = {2, 5, 16}, r = {2, 5, 1};
  auto mean = b.node("ReduceMean", {x}, r, {{"axes", axes}});
  auto d = b.node("Sub", {x, mean}, s);
  auto sq = b.node("Pow", {d, b.constant("two", {}, {2.0f})}, s);
  auto var = b.node("ReduceMean", {sq}, r, {{"axes", axes}});
  auto ve = b.node("Add", {var, b.constant("eps", {}, {1e-5f})}, r);
  auto y = b.node("Div", {d, b.node("Sqrt", {ve}, r)}, s);
  if (!affine) return y;
  y = b.node("Mul", {y, b.constant("gamma", b.random({16}, 0.5f, 1.5f))}, s);
  return b.node("Add", {y, b.constant("beta", b.random({16}))}, s);
}

// torch.onnx's erf GELU: (x · (1 + erf(x / √2))) · 0.5.
std::string gelu_erf(GraphBuilder& b, const std::string& x, float half = 0.5f) {
  const ir::Shape s = {2, 5, 16};
  auto e = b.node("Erf", {b.node("Div", {x, b.constant("sqrt2", {}, {1.4142135f})}, s)}, s);
  auto p = b.node("Add", {e, b.constant("one", {}, {1.0f})}, s);
  return b.node("Mul", {b.node("Mul", {x, p}, s), b.constant("half", {}, {half})}, s);
}

// tanh GELU written (x · 0.5) · (1 + tanh(√(2/π) · (x + 0.044715 · Pow(x, 3)))).
std::string gelu_tanh(GraphBuilder& b, const std::string& x) {
  const ir::Shape s = {2, 5, 16};
  auto cube = b.node("Pow", {x, b.constant("three", {}, {3.0f})}, s);
  auto inner = b.node("Add", {b.node("Mul", {b.constant("k", {}, {0.044715f}), cube}, s), x}, s);
  auto t = b.node("Tanh", {b.node("Mul", {inner, b.constant("c", {}, {0.7978845608f})}, s)}, s);
  auto p = b.node("Add", {b.constant("one_t", {}, {1.0f}), t}, s);
  return b.node("Mul", {b.node("Mul", {x, b.constant("half_t", {}, {0.5f})}, s), p}, s);
}

}  // namespace patterns_test

TEST_CASE("fuse_layer_norm: the decomposed form becomes one LayerNormalization", "[passes]") {
  using patterns_test::Ints;
  for (const Ints& axes : {Ints{-1}, Ints{2}}) {
    GraphBuilder b;
    auto x = b.input("x", {2, 5, 16});
    b.output(b.node("Relu", {patterns_test::decomposed_layer_norm(b, x, axes)}, {2, 5, 16}));
    ir::Graph g = b.build();
    const ir::Graph before = g;
    auto stats = run_pass(g, "fuse_layer_norm");
    CHECK(stats.counters["layer_norm_fused"] == 1);
    CHECK(g.op_histogram() == std::map<std::string, int>{{"LayerNormalization", 1}, {"Relu", 1}});
    CHECK(g.nodes.front()->attrs.get_int("axis", 0) == 2);
    check_same_outputs(before, g, 1e-5);
  }
  GraphBuilder plain;  // no gamma / beta: scale 1
  plain.output(patterns_test::decomposed_layer_norm(plain, plain.input("x", {2, 5, 16}), {-1}, false));
  ir::Graph g = plain.build();
  const ir::Graph before = g;
  CHECK(run_pass(g, "fuse_layer_norm").counters["layer_norm_fused"] == 1);
  check_same_outputs(before, g, 1e-5);
}

TEST_CASE("fuse_layer_norm leaves near misses alone", "[passes]") {
  GraphBuilder b;  // reduces axis 1, not the trailing dims
  b.output(patterns_test::decomposed_layer_norm(b, b.input("x", {2, 5, 16}), {1}));
  ir::Graph g = b.build();
  CHECK_FALSE(run_pass(g, "fuse_layer_norm").changed());

  GraphBuilder o;  // x - mean is also a graph output
  auto y = patterns_test::decomposed_layer_norm(o, o.input("x", {2, 5, 16}), {-1});
  o.output(y);
  o.output(o.graph().nodes[1]->outputs[0]);
  ir::Graph g2 = o.build();
  CHECK_FALSE(run_pass(g2, "fuse_layer_norm").changed());
}

TEST_CASE("fuse_gelu: erf and tanh forms become Gelu", "[passes]") {
  GraphBuilder b;
  auto x = b.input("x", {2, 5, 16});
  b.output(patterns_test::gelu_erf(b, x));
  b.output(patterns_test::gelu_tanh(b, x));
  ir::Graph g = b.build();
  const ir::Graph before = g;
  auto stats = run_pass(g, "fuse_gelu");
  CHECK(stats.counters["gelu_erf_fused"] == 1);
  CHECK(stats.counters["gelu_tanh_fused"] == 1);
  CHECK(g.op_histogram() == std::map<std::string, int>{{"Gelu", 2}});
  CHECK(g.outputs == before.outputs);
  check_same_outputs(before, g, 1e-5);

  GraphBuilder m;  // 0.4 instead of 0.5: not GELU
  m.output(patterns_test::gelu_erf(m, m.input("x", {2, 5, 16}), 0.4f));
  ir::Graph g2 = m.build();
  CHECK_FALSE(run_pass(g2, "fuse_gelu").changed());
}

TEST_CASE("find_attention_blocks names MatMul, scale, mask, Softmax, MatMul", "[passes]") {
  GraphBuilder b;
  auto q = b.input("q", {1, 2, 6, 8});
  auto k = b.input("k", {1, 2, 8, 6});
  auto v = b.input("v", {1, 2, 6, 8});
  auto mask = b.input("mask", {1, 1, 6, 6});
  auto s = b.node("MatMul", {q, k}, {1, 2, 6, 6});
  s = b.node("Div", {s, b.constant("root_d", {}, {std::sqrt(8.0f)})}, {1, 2, 6, 6});
  s = b.node("Add", {s, mask}, {1, 2, 6, 6});
  s = b.node("Softmax", {s}, {1, 2, 6, 6}, {{"axis", int64_t{-1}}});
  b.output(b.node("MatMul", {s, v}, {1, 2, 6, 8}));
  ir::Graph g = b.build();
  auto stats = run_pass(g, "find_attention_blocks");
  CHECK_FALSE(stats.changed());
  REQUIRE(stats.found["attention_blocks"].size() == 1);
  const auto& block = stats.found["attention_blocks"][0];
  CHECK(block.at("name") == "attention_0");
  CHECK(block.at("matmul_qk") == "MatMul_1");
  CHECK(block.at("scale") == "Div_2");
  CHECK(block.at("mask_add") == "Add_3");
  CHECK(block.at("softmax") == "Softmax_4");
  CHECK(block.at("matmul_v") == "MatMul_5");
  CHECK(g.nodes.size() == 5);
}
