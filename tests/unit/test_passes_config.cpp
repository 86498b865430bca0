// Passes driven by configs.*: remove_reshape and model_pruning (prune_channels).
#include "config/model_config.h"
#include "test_passes_common.h"

using namespace rknnc;
using test::check_same_outputs;
using test::count_ops;
using test::GraphBuilder;
using test::run_pass;
using Ints = std::vector<int64_t>;

namespace {

struct Ctx {
  config::ModelConfig cfg;
  std::vector<std::string> warnings, log;
  passes::PassContext make() {
    passes::PassContext ctx;
    ctx.config = &cfg;
    ctx.warnings = &warnings;
    ctx.log = &log;
    return ctx;
  }
};

// Conv [1,3,6,6] → [1,4,out,out] whose output channels `zero` have zero weights and bias.
std::string conv_with_zero_channels(GraphBuilder& b, const std::string& x, std::vector<int> zero, int64_t in_c,
                                    int64_t out_c, int64_t pad, int64_t size) {
  ir::Tensor w = b.random({out_c, in_c, 3, 3});
  ir::Tensor bias = b.random({out_c});
  for (int o : zero) {
    std::fill(w.data<float>() + o * in_c * 9, w.data<float>() + (o + 1) * in_c * 9, 0.0f);
    bias.data<float>()[o] = 0.0f;
  }
  const std::string wn = b.graph().unique_name("w"), bn = b.graph().unique_name("b");
  const int64_t out = size + 2 * pad - 2;
  return b.node("Conv", {x, b.constant(wn, w), b.constant(bn, bias)}, {1, out_c, out, out},
                {{"pads", Ints{pad, pad, pad, pad}}, {"kernel_shape", Ints{3, 3}}});
}

}  // namespace

TEST_CASE("remove_reshape removes Reshape at inputs and outputs and warns", "[passes]") {
  GraphBuilder b;
  auto x = b.input("x", {1, 12});
  auto r = b.node("Reshape", {x, b.ints("s", {1, 3, 2, 2})}, {1, 3, 2, 2});
  auto relu = b.node("Relu", {r}, {1, 3, 2, 2});
  auto y = b.node("Reshape", {relu, b.ints("s2", {1, 12})}, {1, 12});
  b.output(y);
  ir::Graph g = b.build();
  const ir::Graph before = g;

  Ctx off;
  CHECK_FALSE(run_pass(g, "remove_reshape", off.make()).changed());  // configs.remove_reshape defaults to false

  Ctx on;
  on.cfg.configs.remove_reshape = true;
  auto stats = run_pass(g, "remove_reshape", on.make());
  CHECK(stats.counters["input_reshapes_removed"] == 1);
  CHECK(stats.counters["output_reshapes_removed"] == 1);
  CHECK(count_ops(g, "Reshape") == 0);
  CHECK(g.inputs == std::vector<std::string>{"x"});
  CHECK(g.outputs == std::vector<std::string>{y});
  CHECK(g.info("x")->shape == ir::Shape{1, 3, 2, 2});
  CHECK(g.info(y)->shape == ir::Shape{1, 3, 2, 2});
  REQUIRE(on.warnings.size() == 2);
  CHECK(on.warnings[0].find("input 'x'") != std::string::npos);
  CHECK(on.warnings[0].find("[1,3,2,2]") != std::string::npos);
  CHECK(on.log.size() == 2);
  check_same_outputs(before, g);
}

TEST_CASE("remove_reshape keeps a Reshape whose input has other readers", "[passes]") {
  GraphBuilder b;
  auto x = b.input("x", {1, 12});
  auto r = b.node("Reshape", {x, b.ints("s", {1, 3, 4})}, {1, 3, 4});
  b.output(r);  // input Reshape that is also the output: kept
  b.output(b.node("Relu", {x}, {1, 12}));
  ir::Graph g = b.build();
  Ctx on;
  on.cfg.configs.remove_reshape = true;
  CHECK_FALSE(run_pass(g, "remove_reshape", on.make()).changed());
  CHECK(on.warnings.empty());
}

TEST_CASE("prune_channels removes zero channels through BN-free Relu chains", "[passes]") {
  GraphBuilder b;
  auto x = b.input("x", {1, 3, 8, 8});
  auto c1 = conv_with_zero_channels(b, x, {1, 3}, 3, 5, 1, 8);
  auto r = b.node("Relu", {c1}, {1, 5, 8, 8});
  auto c2 = conv_with_zero_channels(b, r, {}, 5, 2, 1, 8);
  b.output(c2);
  ir::Graph g = b.build();
  const ir::Graph before = g;

  Ctx off;
  CHECK_FALSE(run_pass(g, "prune_channels", off.make()).changed());

  Ctx on;
  on.cfg.configs.model_pruning = true;
  auto stats = run_pass(g, "prune_channels", on.make());
  CHECK(stats.counters["channels_pruned"] == 2);
  CHECK(stats.counters["convs_pruned"] == 1);
  CHECK(stats.bytes_saved == (2 * 27 + 2 + 2 * 2 * 9) * 4);
  CHECK(g.constant(g.producer(c1)->input(1))->shape() == ir::Shape{3, 3, 3, 3});
  CHECK(g.constant(g.producer(c2)->input(1))->shape() == ir::Shape{2, 3, 3, 3});
  CHECK(g.info(r)->shape == ir::Shape{1, 3, 8, 8});
  REQUIRE(on.log.size() == 3);
  CHECK(on.log[0] == "model_pruning results:");
  CHECK(on.log[1].rfind("Weight: -0.00035 MB (-", 0) == 0);
  CHECK(on.log[2].rfind("GFLOPs: -0.0000", 0) == 0);
  check_same_outputs(before, g);
}

TEST_CASE("prune_channels folds a constant non-zero channel into an unpadded reader's bias", "[passes]") {
  GraphBuilder b;
  auto x = b.input("x", {1, 3, 8, 8});
  auto c1 = conv_with_zero_channels(b, x, {0}, 3, 4, 0, 8);
  auto s = b.node("Sigmoid", {c1}, {1, 4, 6, 6});  // sigmoid(0) = 0.5
  auto c2 = conv_with_zero_channels(b, s, {}, 4, 2, 0, 6);
  b.output(c2);
  ir::Graph g = b.build();
  const ir::Graph before = g;
  Ctx on;
  on.cfg.configs.model_pruning = true;
  CHECK(run_pass(g, "prune_channels", on.make()).counters["channels_pruned"] == 1);
  CHECK(g.info(s)->shape == ir::Shape{1, 3, 6, 6});
  check_same_outputs(before, g);
}

TEST_CASE("prune_channels does not fire when the pruned value is not exact to remove", "[passes]") {
  Ctx on;
  on.cfg.configs.model_pruning = true;
  {
    GraphBuilder b;  // constant 0.5 channel into a padded Conv: padding would break the bias fold
    auto c1 = conv_with_zero_channels(b, b.input("x", {1, 3, 8, 8}), {0}, 3, 4, 1, 8);
    auto s = b.node("Sigmoid", {c1}, {1, 4, 8, 8});
    b.output(conv_with_zero_channels(b, s, {}, 4, 2, 1, 8));
    ir::Graph g = b.build();
    CHECK_FALSE(run_pass(g, "prune_channels", on.make()).changed());
  }
  {
    GraphBuilder b;  // the zero channel is visible as a graph output
    auto c1 = conv_with_zero_channels(b, b.input("x", {1, 3, 8, 8}), {0}, 3, 4, 1, 8);
    b.output(c1);
    ir::Graph g = b.build();
    CHECK_FALSE(run_pass(g, "prune_channels", on.make()).changed());
  }
  {
    GraphBuilder b;  // read by something other than a Conv
    auto c1 = conv_with_zero_channels(b, b.input("x", {1, 3, 8, 8}), {0}, 3, 4, 1, 8);
    b.output(b.node("Softmax", {c1}, {1, 4, 8, 8}));
    ir::Graph g = b.build();
    CHECK_FALSE(run_pass(g, "prune_channels", on.make()).changed());
  }
  CHECK(on.log.empty());
}
