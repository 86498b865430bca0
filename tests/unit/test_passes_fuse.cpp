// Fusion passes: BN, bias Add, activations, input normalisation.
#include "test_passes_common.h"

using namespace rknnc;
using test::bn;
using test::check_same_outputs;
using test::count_ops;
using test::GraphBuilder;
using test::run_pass;
using Ints = std::vector<int64_t>;

namespace {

// x[1,3,6,6] → Conv(W[4,3,3,3], b) with the given pads.
std::string conv(GraphBuilder& b, const std::string& x, int64_t pad, bool bias = true) {
  std::vector<std::string> in = {x, b.constant(b.graph().unique_name("w"), b.random({4, 3, 3, 3}))};
  if (bias) in.push_back(b.constant(b.graph().unique_name("b"), b.random({4})));
  const int64_t out = 6 + 2 * pad - 2;
  return b.node("Conv", in, {1, 4, out, out}, {{"pads", Ints{pad, pad, pad, pad}}, {"kernel_shape", Ints{3, 3}}});
}

}  // namespace

TEST_CASE("fuse_bn_into_conv folds BN into Conv", "[passes]") {
  GraphBuilder b;
  auto y = bn(b, conv(b, b.input("x", {1, 3, 6, 6}), 1), {1, 4, 6, 6});
  b.output(y);
  ir::Graph g = b.build();
  const ir::Graph before = g;
  auto stats = run_pass(g, "fuse_bn_into_conv");
  CHECK(stats.counters["bn_fused"] == 1);
  CHECK(count_ops(g, "BatchNormalization") == 0);
  CHECK(g.producer(y)->op_type == "Conv");
  check_same_outputs(before, g);
}

TEST_CASE("fuse_bn_into_conv handles ConvTranspose with groups and Gemm", "[passes]") {
  GraphBuilder b;
  auto x = b.input("x", {1, 4, 3, 3});
  auto w = b.constant("wt", b.random({4, 3, 2, 2}));  // group 2: 2 in/group, 3 out/group → 6 outputs
  auto ct = b.node("ConvTranspose", {x, w}, {1, 6, 4, 4}, {{"group", int64_t{2}}, {"kernel_shape", Ints{2, 2}}});
  b.output(bn(b, ct, {1, 6, 4, 4}));
  ir::Graph g = b.build();
  const ir::Graph before = g;
  CHECK(run_pass(g, "fuse_bn_into_conv").counters["bn_fused"] == 1);
  check_same_outputs(before, g);

  GraphBuilder m;
  auto a = m.input("a", {2, 5});
  auto gemm = m.node("Gemm", {a, m.constant("B", m.random({3, 5})), m.constant("C", m.random({3}))}, {2, 3},
                     {{"transB", int64_t{1}}, {"beta", 0.5f}, {"alpha", 2.0f}});
  m.output(bn(m, gemm, {2, 3}));
  ir::Graph g2 = m.build();
  const ir::Graph before2 = g2;
  CHECK(run_pass(g2, "fuse_bn_into_conv").counters["bn_fused"] == 1);
  CHECK(count_ops(g2, "BatchNormalization") == 0);
  check_same_outputs(before2, g2);
}

TEST_CASE("fuse_bn_into_conv does not fire when the Conv output has two readers", "[passes]") {
  GraphBuilder b;
  auto c = conv(b, b.input("x", {1, 3, 6, 6}), 0);
  b.output(bn(b, c, {1, 4, 4, 4}));
  b.output(b.node("Relu", {c}, {1, 4, 4, 4}));
  ir::Graph g = b.build();
  CHECK_FALSE(run_pass(g, "fuse_bn_into_conv").changed());
  CHECK(count_ops(g, "BatchNormalization") == 1);
}

TEST_CASE("fuse_bias_add_into_conv folds per-channel Add into Conv and MatMul", "[passes]") {
  GraphBuilder b;
  auto c = conv(b, b.input("x", {1, 3, 6, 6}), 0, false);
  auto y = b.node("Add", {b.constant("bias", b.random({1, 4, 1, 1})), c}, {1, 4, 4, 4});
  b.output(y);
  ir::Graph g = b.build();
  const ir::Graph before = g;
  auto stats = run_pass(g, "fuse_bias_add_into_conv");
  CHECK(stats.counters["bias_fused"] == 1);
  CHECK(count_ops(g, "Add") == 0);
  CHECK(g.producer(y)->has_input(2));
  check_same_outputs(before, g);

  GraphBuilder m;
  auto mm = m.node("MatMul", {m.input("a", {2, 5}), m.constant("W", m.random({5, 3}))}, {2, 3});
  m.output(m.node("Add", {mm, m.constant("c", m.random({3}))}, {2, 3}));
  ir::Graph g2 = m.build();
  const ir::Graph before2 = g2;
  auto stats2 = run_pass(g2, "fuse_bias_add_into_conv");
  CHECK(stats2.counters["matmul_to_gemm"] == 1);
  CHECK(count_ops(g2, "Gemm") == 1);
  CHECK(count_ops(g2, "MatMul") == 0);
  check_same_outputs(before2, g2);
}

TEST_CASE("fuse_bias_add_into_conv leaves non-per-channel Adds", "[passes]") {
  GraphBuilder b;
  auto c = conv(b, b.input("x", {1, 3, 6, 6}), 0);
  b.output(b.node("Add", {c, b.constant("full", b.random({1, 4, 4, 4}))}, {1, 4, 4, 4}));
  ir::Graph g = b.build();
  CHECK_FALSE(run_pass(g, "fuse_bias_add_into_conv").changed());

  GraphBuilder m;  // [4] broadcasts along the last axis (width), not channels
  auto c2 = conv(m, m.input("x", {1, 3, 6, 6}), 0);
  m.output(m.node("Add", {c2, m.constant("lastaxis", m.random({4}))}, {1, 4, 4, 4}));
  ir::Graph g2 = m.build();
  CHECK_FALSE(run_pass(g2, "fuse_bias_add_into_conv").changed());

  GraphBuilder k;  // MatMul with a non-constant weight stays a MatMul
  auto mm = k.node("MatMul", {k.input("a", {2, 5}), k.input("w", {5, 3})}, {2, 3});
  k.output(k.node("Add", {mm, k.constant("c", k.random({3}))}, {2, 3}));
  ir::Graph g3 = k.build();
  CHECK_FALSE(run_pass(g3, "fuse_bias_add_into_conv").changed());
  CHECK(count_ops(g3, "MatMul") == 1);
}

TEST_CASE("fuse_activation fuses each activation kind into its producer", "[passes]") {
  GraphBuilder b;
  auto x = b.input("x", {1, 3, 6, 6});
  auto r = b.node("Relu", {conv(b, x, 1)}, {1, 4, 6, 6});
  auto clip = b.node("Clip", {conv(b, x, 1), b.constant("lo", {}, {0.0f}), b.constant("hi", {}, {6.0f})}, {1, 4, 6, 6});
  auto leaky = b.node("LeakyRelu", {b.node("Add", {r, clip}, {1, 4, 6, 6})}, {1, 4, 6, 6}, {{"alpha", 0.2f}});
  auto c3 = conv(b, x, 1);
  auto silu = b.node("Mul", {c3, b.node("Sigmoid", {c3}, {1, 4, 6, 6})}, {1, 4, 6, 6});
  auto hs = b.node("HardSwish", {conv(b, x, 1)}, {1, 4, 6, 6});
  auto sig = b.node("Sigmoid", {conv(b, x, 1)}, {1, 4, 6, 6});
  b.output(leaky);
  b.output(silu);
  b.output(hs);
  b.output(sig);
  ir::Graph g = b.build();
  const ir::Graph before = g;
  auto stats = run_pass(g, "fuse_activation");
  for (const char* k : {"Relu_fused", "Clip_fused", "LeakyRelu_fused", "SiLU_fused", "HardSwish_fused", "Sigmoid_fused"}) {
    INFO(k);
    CHECK(stats.counters[k] == 1);
  }
  CHECK(g.nodes.size() == 6);  // 5 Conv + 1 Add
  const ir::Node* add = g.producer(leaky);
  CHECK(add->op_type == "Add");
  CHECK(add->attrs.get_string("activation", "") == "LeakyRelu");
  CHECK(add->attrs.get_float("activation_alpha", 0) == 0.2f);
  const ir::Node* relu6 = g.producer(add->input(1));
  CHECK(relu6->attrs.get_string("activation", "") == "Clip");
  CHECK(relu6->attrs.get_float("activation_min", -1) == 0.0f);
  CHECK(relu6->attrs.get_float("activation_max", -1) == 6.0f);
  CHECK(g.producer(silu)->attrs.get_string("activation", "") == "SiLU");
  check_same_outputs(before, g);
}

TEST_CASE("fuse_activation skips shared outputs and non-constant Clip bounds", "[passes]") {
  GraphBuilder b;
  auto x = b.input("x", {1, 3, 6, 6});
  auto c = conv(b, x, 0);
  b.output(b.node("Relu", {c}, {1, 4, 4, 4}));
  b.output(b.node("Sigmoid", {c}, {1, 4, 4, 4}));  // two readers: SiLU pattern absent too
  auto c2 = conv(b, x, 0);
  b.output(b.node("Clip", {c2, b.input("lo", {})}, {1, 4, 4, 4}));
  auto c3 = conv(b, x, 0);
  b.output(c3);  // graph output: the pre-activation value must stay visible
  b.output(b.node("Relu", {c3}, {1, 4, 4, 4}));
  ir::Graph g = b.build();
  CHECK_FALSE(run_pass(g, "fuse_activation").changed());
  for (const auto& n : g.nodes) CHECK_FALSE(n->attrs.has("activation"));
}

TEST_CASE("fold_input_normalization folds mean/std into an unpadded first Conv", "[passes]") {
  GraphBuilder b;
  auto x = b.input("x", {1, 3, 6, 6});
  auto sub = b.node("Sub", {x, b.constant("mean", {1, 3, 1, 1}, {123.7f, 116.3f, 103.5f})}, {1, 3, 6, 6});
  auto div = b.node("Div", {sub, b.constant("std", {1, 3, 1, 1}, {58.4f, 57.1f, 57.4f})}, {1, 3, 6, 6});
  auto y = conv(b, div, 0);
  b.output(y);
  ir::Graph g = b.build();
  const ir::Graph before = g;
  auto stats = run_pass(g, "fold_input_normalization");
  CHECK(stats.counters["inputs_folded"] == 1);
  CHECK(stats.nodes_removed == 2);
  CHECK(g.nodes.size() == 1);
  CHECK(g.producer(y)->input(0) == "x");
  check_same_outputs(before, g, 1e-4);  // the raw input is ~100× larger
}

TEST_CASE("fold_input_normalization: std only with padding is exact, mean with padding is not", "[passes]") {
  GraphBuilder b;
  auto x = b.input("x", {1, 3, 6, 6});
  auto div = b.node("Div", {x, b.constant("std", {3, 1, 1}, {2.0f, 4.0f, 0.5f})}, {1, 3, 6, 6});
  b.output(conv(b, div, 1));
  ir::Graph g = b.build();
  const ir::Graph before = g;
  CHECK(run_pass(g, "fold_input_normalization").counters["inputs_folded"] == 1);
  CHECK(count_ops(g, "Div") == 0);
  check_same_outputs(before, g);

  GraphBuilder m;
  auto x2 = m.input("x", {1, 3, 6, 6});
  auto sub = m.node("Sub", {x2, m.constant("mean", {1, 3, 1, 1}, {1.0f, 2.0f, 3.0f})}, {1, 3, 6, 6});
  m.output(conv(m, sub, 1));
  ir::Graph g2 = m.build();
  auto stats = run_pass(g2, "fold_input_normalization");
  CHECK(stats.counters["not_exact_skipped"] == 1);
  CHECK(stats.nodes_removed == 0);
  CHECK(count_ops(g2, "Sub") == 1);
}

TEST_CASE("fold_input_normalization leaves a normalised value with two readers", "[passes]") {
  GraphBuilder b;
  auto x = b.input("x", {1, 3, 6, 6});
  auto div = b.node("Div", {x, b.constant("std", {1, 3, 1, 1}, {2.0f, 4.0f, 0.5f})}, {1, 3, 6, 6});
  b.output(conv(b, div, 0));
  b.output(b.node("Relu", {div}, {1, 3, 6, 6}));
  ir::Graph g = b.build();
  CHECK_FALSE(run_pass(g, "fold_input_normalization").changed());
}
