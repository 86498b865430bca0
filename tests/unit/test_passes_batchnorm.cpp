// batchnorm_to_mul_add: standalone BatchNormalization → Mul + Add.
#include <algorithm>

#include "passes/pipeline.h"
#include "test_passes_common.h"

using namespace rknnc;
using test::bn;
using test::count_ops;
using test::GraphBuilder;
using test::run_pass;

namespace {

// Runs both graphs on the same random inputs; every output element agrees
// within 1e-5 relative (plus 1e-6 absolute for values near zero).
void check_close(const ir::Graph& before, const ir::Graph& after) {
  GraphBuilder rng(11);
  runtime::TensorMap in;
  for (const auto& x : before.inputs) in[x] = rng.random(before.info(x)->shape, -3.0f, 3.0f);
  auto out_before = runtime::Executor(before).run(in);
  auto out_after = runtime::Executor(after).run(in);
  REQUIRE(before.outputs == after.outputs);
  for (const auto& o : before.outputs) {
    const ir::Tensor& a = out_before.at(o);
    const ir::Tensor& b = out_after.at(o);
    REQUIRE(a.numel() == b.numel());
    int64_t bad = 0;
    for (int64_t i = 0; i < a.numel(); ++i) {
      const double x = a.get_as_double(i), y = b.get_as_double(i);
      if (std::abs(x - y) > 1e-5 * std::abs(x) + 1e-6) ++bad;
    }
    INFO("output " << o);
    CHECK(bad == 0);
  }
}

}  // namespace

TEST_CASE("batchnorm_to_mul_add rewrites Add→BN→Relu as Mul + Add", "[passes]") {
  GraphBuilder b;
  auto x = b.input("x", {2, 4, 5, 5});
  auto sum = b.node("Add", {x, b.input("x2", {2, 4, 5, 5})}, {2, 4, 5, 5});
  auto y = bn(b, sum, {2, 4, 5, 5});
  auto out = b.node("Relu", {y}, {2, 4, 5, 5});
  b.output(out);
  ir::Graph g = b.build();
  const ir::Graph before = g;

  auto stats = run_pass(g, "batchnorm_to_mul_add");
  CHECK(stats.counters["batchnorm_decomposed"] == 1);
  CHECK(stats.nodes_added == 2);
  CHECK(stats.nodes_removed == 1);
  CHECK(count_ops(g, "BatchNormalization") == 0);
  CHECK(count_ops(g, "Mul") == 1);
  CHECK(count_ops(g, "Add") == 2);
  CHECK(g.outputs == std::vector<std::string>{out});
  // The Add keeps the BN's output name; the Mul reads the BN's input.
  const ir::Node* add = g.producer(y);
  REQUIRE(add);
  CHECK(add->op_type == "Add");
  const ir::Node* mul = g.producer(add->input(0));
  REQUIRE(mul);
  CHECK(mul->op_type == "Mul");
  CHECK(mul->input(0) == sum);
  CHECK(g.info(mul->outputs[0])->shape == ir::Shape{2, 4, 5, 5});
  CHECK(g.info(mul->outputs[0])->dtype == ir::DataType::Float32);
  CHECK(g.constant(mul->input(1))->shape() == ir::Shape{4, 1, 1});
  CHECK(g.constant(add->input(1))->shape() == ir::Shape{4, 1, 1});
  CHECK(g.initializers.count("gamma") == 0);  // BN parameters dropped
  check_close(before, g);

  // fuse_activation then folds the Relu into the new Add.
  auto fused = run_pass(g, "fuse_activation");
  CHECK(fused.counters["Relu_fused"] == 1);
  CHECK(count_ops(g, "Relu") == 0);
  CHECK(g.producer(out)->op_type == "Add");
  CHECK(g.producer(out)->attrs.get_string("activation", "") == "Relu");
  check_close(before, g);
}

TEST_CASE("batchnorm_to_mul_add: rank 2 and 3 inputs, BN output as graph output", "[passes]") {
  GraphBuilder b;
  auto y2 = bn(b, b.input("a", {3, 4}), {3, 4});
  auto y3 = bn(b, b.input("c", {2, 4, 7}), {2, 4, 7});
  b.output(y2);
  b.output(y3);
  ir::Graph g = b.build();
  const ir::Graph before = g;
  CHECK(run_pass(g, "batchnorm_to_mul_add").counters["batchnorm_decomposed"] == 2);
  CHECK(count_ops(g, "BatchNormalization") == 0);
  CHECK(g.outputs == before.outputs);
  CHECK(g.producer(y2)->op_type == "Add");
  CHECK(g.constant(g.producer(y2)->input(1))->shape() == ir::Shape{4});
  CHECK(g.constant(g.producer(y3)->input(1))->shape() == ir::Shape{4, 1});
  check_close(before, g);
}

TEST_CASE("batchnorm_to_mul_add leaves BNs with non-constant parameters or read training outputs", "[passes]") {
  GraphBuilder b;
  auto x = b.input("x", {1, 4, 3, 3});
  auto c = b.constant("p", b.random({4}, 0.5f, 1.5f));
  b.output(b.node("BatchNormalization", {x, b.input("gamma", {4}), c, c, c}, {1, 4, 3, 3}));
  // Training outputs read: running mean goes to a graph output.
  auto y = bn(b, x, {1, 4, 3, 3});
  ir::Node& train = b.last();
  train.outputs.push_back("running_mean");
  b.graph().values["running_mean"] = {ir::DataType::Float32, {4}, true};
  b.output(y);
  b.output("running_mean");
  ir::Graph g = b.build();
  CHECK_FALSE(run_pass(g, "batchnorm_to_mul_add").changed());
  CHECK(count_ops(g, "BatchNormalization") == 2);
}

TEST_CASE("batchnorm_to_mul_add runs after the BN/bias fusions at level 2", "[passes]") {
  auto l2 = passes::pipeline_for_level(2);
  auto at = [&](const char* p) { return std::find(l2.begin(), l2.end(), p) - l2.begin(); };
  CHECK(at("batchnorm_to_mul_add") == at("fuse_bias_add_into_conv") + 1);
  CHECK(at("fuse_bias_add_into_conv") == at("fuse_bn_into_conv") + 1);
  CHECK(at("batchnorm_to_mul_add") < at("fuse_activation"));
  auto l1 = passes::pipeline_for_level(1);
  CHECK(std::find(l1.begin(), l1.end(), "batchnorm_to_mul_add") == l1.end());

  // Conv→BN still folds into the Conv; only the BN after the Add is decomposed.
  GraphBuilder b;
  auto x = b.input("x", {1, 3, 6, 6});
  auto w = b.constant("w", b.random({4, 3, 1, 1}));
  auto conv = b.node("Conv", {x, w}, {1, 4, 6, 6}, {{"kernel_shape", std::vector<int64_t>{1, 1}}});
  auto y = bn(b, conv, {1, 4, 6, 6});
  auto sum = b.node("Add", {y, b.input("x2", {1, 4, 6, 6})}, {1, 4, 6, 6});
  auto out = b.node("Relu", {bn(b, sum, {1, 4, 6, 6})}, {1, 4, 6, 6});
  b.output(out);
  ir::Graph g = b.build();
  const ir::Graph before = g;
  passes::PassContext ctx;
  passes::run_pipeline(g, 2, ctx);
  CHECK(count_ops(g, "BatchNormalization") == 0);
  CHECK(count_ops(g, "Conv") == 1);
  CHECK(count_ops(g, "Mul") == 1);
  CHECK(count_ops(g, "Relu") == 0);
  CHECK(g.producer(out)->attrs.get_string("activation", "") == "Relu");
  check_close(before, g);
}
