#pragma once
// Shared by the test_passes*.cpp files: run one pass, compare executions.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "graph_builder.h"
#include "ir/verifier.h"
#include "passes/pass.h"
#include "runtime/executor.h"

namespace rknnc::test {

inline passes::PassStats run_pass(ir::Graph& g, const std::string& name, passes::PassContext ctx = {}) {
  auto pass = passes::PassRegistry::instance().create(name);
  REQUIRE(pass);
  passes::PassStats stats = pass->run(g, ctx);
  ir::verify(g, "after pass " + name);
  return stats;
}

inline int count_ops(const ir::Graph& g, const std::string& op) {
  auto h = g.op_histogram();
  return h.count(op) ? h.at(op) : 0;
}

// An inference BatchNormalization of `x` (channel axis 1) with random
// parameters under fresh names; returns its output.
inline std::string bn(GraphBuilder& b, const std::string& x, ir::Shape shape) {
  const int64_t c = shape[1];
  auto name = [&](const char* base) { return b.graph().unique_name(base); };
  std::vector<std::string> in = {x, b.constant(name("gamma"), b.random({c}, 0.5f, 2.0f)),
                                 b.constant(name("beta"), b.random({c})), b.constant(name("mean"), b.random({c})),
                                 b.constant(name("var"), b.random({c}, 0.1f, 2.0f))};
  return b.node("BatchNormalization", in, shape, {{"epsilon", 1e-3f}});
}

// Runs both graphs on the same random inputs (reshaped to each graph's input
// shape) and checks every output agrees within `tol`. Skipped with a warning
// while an op has no runtime kernel yet.
inline void check_same_outputs(const ir::Graph& before, const ir::Graph& after, double tol = 1e-5) {
  for (const ir::Graph* g : {&before, &after}) {
    auto missing = runtime::Executor::unsupported_nodes(*g);
    if (!missing.empty()) {
      WARN("numerical check skipped: no kernel for " << missing.front()->op_type);
      return;
    }
  }
  GraphBuilder rng(7);
  runtime::TensorMap in_before, in_after;
  for (size_t i = 0; i < before.inputs.size(); ++i) {
    ir::Tensor t = rng.random(before.info(before.inputs[i])->shape, -2.0f, 2.0f);
    in_before[before.inputs[i]] = t;
    in_after[after.inputs[i]] = t.reshaped(after.info(after.inputs[i])->shape);
  }
  auto out_before = runtime::Executor(before).run(in_before);
  auto out_after = runtime::Executor(after).run(in_after);
  REQUIRE(before.outputs.size() == after.outputs.size());
  for (size_t o = 0; o < before.outputs.size(); ++o) {
    const ir::Tensor& a = out_before.at(before.outputs[o]);
    const ir::Tensor& b = out_after.at(after.outputs[o]);
    REQUIRE(a.numel() == b.numel());
    double worst = 0;
    for (int64_t i = 0; i < a.numel(); ++i) worst = std::max(worst, std::abs(a.get_as_double(i) - b.get_as_double(i)));
    INFO("output " << before.outputs[o]);
    CHECK(worst <= tol);
  }
}

}  // namespace rknnc::test
