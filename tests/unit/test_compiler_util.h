#pragma once
// Shared by the compiler tests (test_compiler.cpp, test_compiler_cost.cpp): a
// small Conv net, compiling it for a target, and running its Program against
// the IR simulator.
#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "compiler/compile.h"
#include "graph_builder.h"
#include "quant/calibrate.h"
#include "quant/prepare.h"
#include "quant/quantize_graph.h"
#include "runtime/executor.h"
#include "runtime/program_runner.h"

namespace rknnc::test {

// x[1,cin,h,w] → Conv(k×k, pad k/2) → Relu → Conv(3×3) → y; quantised when
// `int8`. With `join` ("Add" or "Concat") the second Conv keeps 24 channels
// and y joins it with the Relu (a value read twice, with another value
// written in between): Add reads the NC1HWC2 blocks raw; Concat unpacks
// them, and its graph has a MaxPool (3x3, stride 1) instead of the Relu, a
// value stored whole rather than on its blocks.
inline ir::Graph conv_net(int64_t cin, int64_t h, int64_t k, bool int8, const std::string& join = "") {
  GraphBuilder b;
  const auto x = b.input("x", {1, cin, h, h});
  const std::vector<int64_t> pads1(4, k / 2), pads3(4, 1);
  const auto w1 = b.constant("w1", b.random({24, cin, k, k}, -0.3f, 0.3f));
  const auto c1 = b.node("Conv", {x, w1}, {1, 24, h, h}, {{"pads", pads1}});
  const auto r = join == "Concat" ? b.node("MaxPool", {c1}, {1, 24, h, h}, {{"kernel_shape", std::vector<int64_t>{3, 3}}, {"pads", pads3}})
                                   : b.node("Relu", {c1}, {1, 24, h, h});
  const int64_t m2 = join.empty() ? 20 : 24;
  const auto w2 = b.constant("w2", b.random({m2, 24, 3, 3}, -0.3f, 0.3f));
  const auto c2 = b.node("Conv", {r, w2}, {1, m2, h, h}, {{"pads", pads3}});
  if (join == "Add") b.output(b.node("Add", {c2, r}, {1, m2, h, h}));
  else if (join == "Concat") b.output(b.node("Concat", {c2, r}, {1, 2 * m2, h, h}, {{"axis", int64_t{1}}}));
  else b.output(c2);
  ir::Graph g = b.build();
  if (!int8) return g;
  quant::prepare_for_int8(g);
  const auto sample = [cin, h](size_t i) {
    GraphBuilder r(static_cast<uint32_t>(50 + i));
    return std::vector<ir::Tensor>{r.random({1, cin, h, h}, 0.f, 2.f)};
  };
  quant::quantize_graph(g, quant::calibrate(g, 4, sample, {}), quant::Method::Channel);
  return g;
}

inline compiler::Program compile_for(const ir::Graph& g, const std::string& target, std::vector<std::string>& warnings,
                                     compiler::CompileOptions o = {}) {
  return compiler::compile(g, target::find_target(target), o, warnings);
}

inline ir::Tensor run_both_and_compare(const ir::Graph& g, const compiler::Program& p, uint32_t seed) {
  GraphBuilder r(seed);
  const auto& shape = g.info(g.inputs[0])->shape;
  const runtime::TensorMap in{{g.inputs[0], r.random(shape, 0.f, 2.f)}};
  const ir::Tensor ref = runtime::Executor(g).run(in).at(g.outputs[0]);
  const ir::Tensor got = runtime::ProgramRunner(g, p).run(in).at(g.outputs[0]);
  REQUIRE(got.shape() == ref.shape());
  CHECK(std::memcmp(got.raw(), ref.raw(), ref.nbytes()) == 0);
  return got;
}

}  // namespace rknnc::test
