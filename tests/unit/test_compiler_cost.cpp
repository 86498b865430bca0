// lib/compiler's cost model: sparse_infer (structured-sparse Conv weights on
// RK3576), the MACs of recurrent ops and Einsum, and the CPU fallback of a
// float op in an int8 graph.
#include <catch2/catch.hpp>

#include <algorithm>

#include "compiler/compile.h"
#include "compiler/cost_model.h"
#include "driver/compile_stage.h"
#include "graph_builder.h"
#include "quant/calibrate.h"
#include "quant/prepare.h"
#include "quant/quantize_graph.h"
#include "test_compiler_util.h"
#include "test_config_util.h"

namespace rknnc {
namespace {

using namespace test;  // the shared nets (test_compiler_util.h)

// x[1,32,8,8] → Conv 3×3 (32→32) → y, int8. `keep(o, i)` says which weights
// stay non-zero (the structured-sparse pattern of 004 §5.11.1).
template <typename Keep>
ir::Graph sparse_conv_net(Keep keep) {
  GraphBuilder b;
  const auto x = b.input("x", {1, 32, 8, 8});
  ir::Tensor w = b.random({32, 32, 3, 3}, 0.05f, 0.3f);
  for (int64_t o = 0; o < 32; ++o)
    for (int64_t i = 0; i < 32; ++i)
      if (!keep(o, i))
        for (int64_t k = 0; k < 9; ++k) w.data<float>()[(o * 32 + i) * 9 + k] = 0.0f;
  const auto wc = b.constant("w", w);
  b.output(b.node("Conv", {x, wc}, {1, 32, 8, 8}, {{"pads", std::vector<int64_t>(4, 1)}}));
  ir::Graph g = b.build();
  quant::prepare_for_int8(g);
  const auto sample = [](size_t i) {
    GraphBuilder r(static_cast<uint32_t>(70 + i));
    return std::vector<ir::Tensor>{r.random({1, 32, 8, 8}, 0.f, 2.f)};
  };
  quant::quantize_graph(g, quant::calibrate(g, 4, sample, {}), quant::Method::Channel);
  return g;
}

const compiler::Step& conv_step(const compiler::Program& p) {
  for (const auto& s : p.steps)
    if (s.op_type == "Conv") return s;
  FAIL("no Conv step");
  return p.steps.front();
}

}  // namespace

TEST_CASE("sparse_infer: 4:2 / 16:4 sparse Conv weights cost less on rk3576, dense ones do not", "[compiler]") {
  const ir::Graph ic42 = sparse_conv_net([](int64_t, int64_t i) { return i % 4 < 2; });
  const ir::Graph oc42 = sparse_conv_net([](int64_t o, int64_t) { return o % 4 == 1 || o % 4 == 3; });
  const ir::Graph s164 = sparse_conv_net([](int64_t o, int64_t i) { return (o + i) % 4 == 0; });
  const ir::Graph dense = sparse_conv_net([](int64_t, int64_t) { return true; });
  std::vector<std::string> warnings;
  compiler::CompileOptions on;
  on.sparse_infer = true;
  const auto cost = [&](const ir::Graph& g, const compiler::CompileOptions& o) {
    return conv_step(compile_for(g, "rk3576", warnings, o)).cost;
  };
  const compiler::StepCost base = cost(ic42, {}), sparse = cost(ic42, on);
  CHECK(base.sparse_kept == 1.0);
  CHECK(sparse.sparse_kept == 0.5);
  CHECK(sparse.array_macs * 2 == base.array_macs);
  CHECK(sparse.npu_cycles < base.npu_cycles);
  CHECK(sparse.macs == base.macs);  // the useful work is the same
  CHECK(cost(oc42, on).sparse_kept == 0.5);
  CHECK(cost(s164, on).sparse_kept == 0.25);
  CHECK(cost(dense, on).sparse_kept == 1.0);
  // Off RK3576 the option changes nothing (the driver refuses it first).
  CHECK(conv_step(compile_for(ic42, "rk3588", warnings, on)).cost.sparse_kept == 1.0);
  // The Program still runs bit-exact: sparsity only changes the estimate.
  run_both_and_compare(ic42, compile_for(ic42, "rk3576", warnings, on), 9);
  // §5.11.4: group-1 2-D Conv with 32-aligned channels only.
  const ir::Graph narrow = conv_net(3, 8, 3, true);  // 3 → 24 channels, weights not sparse either
  for (const auto& n : narrow.nodes)
    if (n->op_type == "Conv") CHECK(compiler::sparse_kept_share(*n, narrow) == 1.0);
  for (const auto& n : s164.nodes)
    if (n->op_type == "Conv") CHECK(compiler::sparse_kept_share(*n, s164) == 0.25);
}

TEST_CASE("sparse_infer is a one-line error off RK3576", "[compiler]") {
  config::ModelConfig cfg;
  cfg.yaml_path = "model.yml";
  cfg.configs.sparse_infer = true;
  CHECK_NOTHROW(driver::check_target_support(cfg, target::find_target("rk3576")));
  const std::string msg = testing::expect_error(ExitCode::Usage, [&] {
    driver::check_target_support(cfg, target::find_target("rk3588"));
  });
  CHECK(msg == "model.yml: configs.sparse_infer is not supported for rk3588 (004 §5.11: sparse inference is RK3576 "
               "only); remove it");
  cfg.configs.sparse_infer = false;
  CHECK_NOTHROW(driver::check_target_support(cfg, target::find_target("rk3588")));
}

namespace test_compiler_recurrent {

// x[5, 1, 8] → bidirectional LSTM (hidden 6) → y[5, 2, 1, 6], float32 (a CPU op).
ir::Graph lstm_net() {
  test::GraphBuilder b;
  const auto x = b.input("x", {5, 1, 8});
  const auto w = b.constant("w", b.random({2, 24, 8}, -0.3f, 0.3f));
  const auto r = b.constant("r", b.random({2, 24, 6}, -0.3f, 0.3f));
  b.output(b.node("LSTM", {x, w, r}, {5, 2, 1, 6},
                  {{"hidden_size", int64_t{6}}, {"direction", std::string("bidirectional")}}));
  return b.build();
}

// x[5, 1, 8] → LSTM (hidden 6) → [5, 1, 1, 6] → MatMul [6, 4], int8 (the LSTM stays float).
ir::Graph int8_lstm_net() {
  test::GraphBuilder b;
  const auto x = b.input("x", {5, 1, 8});
  const auto w = b.constant("w", b.random({1, 24, 8}, -0.3f, 0.3f));
  const auto r = b.constant("r", b.random({1, 24, 6}, -0.3f, 0.3f));
  const auto y = b.node("LSTM", {x, w, r}, {5, 1, 1, 6}, {{"hidden_size", int64_t{6}}});
  b.output(b.node("MatMul", {y, b.constant("fc", b.random({6, 4}, -0.5f, 0.5f))}, {5, 1, 1, 4}));
  ir::Graph g = b.build();
  quant::prepare_for_int8(g);
  const auto sample = [](size_t i) {
    return std::vector<ir::Tensor>{test::GraphBuilder(static_cast<uint32_t>(80 + i)).random({5, 1, 8})};
  };
  quant::quantize_graph(g, quant::calibrate(g, 2, sample, {}), quant::Method::Channel);
  return g;
}

// q[1, 2, 5, 4] · k[1, 2, 6, 4] → Einsum "bhid,bhjd->bhij" → [1, 2, 5, 6].
ir::Graph einsum_net() {
  test::GraphBuilder b;
  const auto q = b.input("q", {1, 2, 5, 4});
  const auto k = b.input("k", {1, 2, 6, 4});
  b.output(b.node("Einsum", {q, k}, {1, 2, 5, 6}, {{"equation", std::string("bhid,bhjd->bhij")}}));
  return b.build();
}

}  // namespace test_compiler_recurrent

TEST_CASE("the cost model counts the MACs of recurrent ops (steps x batch x (|W| + |R|)) and of Einsum", "[compiler]") {
  const ir::Graph g = test_compiler_recurrent::lstm_net();
  std::vector<std::string> warnings;
  const compiler::Program p = compiler::compile(g, target::find_target("rk3588"), {}, warnings);
  const auto lstm = std::find_if(p.steps.begin(), p.steps.end(), [](const auto& s) { return s.op_type == "LSTM"; });
  REQUIRE(lstm != p.steps.end());
  CHECK(lstm->device == compiler::Device::Cpu);
  CHECK(lstm->cost.macs == 5 * 1 * (2 * 24 * 8 + 2 * 24 * 6));
  CHECK(lstm->cost.time_us > 0.0);

  const ir::Graph e = test_compiler_recurrent::einsum_net();
  const compiler::Program pe = compiler::compile(e, target::find_target("rk3588"), {}, warnings);
  const auto einsum = std::find_if(pe.steps.begin(), pe.steps.end(), [](const auto& s) { return s.op_type == "Einsum"; });
  REQUIRE(einsum != pe.steps.end());
  CHECK(einsum->cost.macs == 1 * 2 * 5 * 6 * 4);
}

TEST_CASE("a float op of the model reading a graph input is a CPU fallback with its warning, not the input stage",
          "[compiler]") {
  const ir::Graph g = test_compiler_recurrent::int8_lstm_net();
  std::vector<std::string> warnings;
  compiler::compile(g, target::find_target("rk3588"), {}, warnings);
  CHECK(std::any_of(warnings.begin(), warnings.end(), [](const std::string& w) {
    return w.find("LSTM is not an NPU op of rk3588") != std::string::npos;
  }));
}

}  // namespace rknnc
