// The Executor lets an element-wise kernel write its output into the bytes
// of an input whose value dies at that node (KernelContext::donated). The
// results must be those of fresh outputs, and bytes anybody else still
// holds (the caller's inputs, a graph output, an observer's copy, a
// reshaped view) must never be written.
#include <catch2/catch.hpp>

#include <cstring>

#include "graph_builder.h"
#include "runtime/executor.h"

using namespace rknnc;

namespace {

std::vector<float> values_of(const ir::Tensor& t) { return {t.data<float>(), t.data<float>() + t.numel()}; }

// x -> Mul(x, 2) = m -> Relu = r -> Add(r, m) = s -> BatchNormalization = y;
// also Flatten(m) as a second graph output (a view of m's bytes).
ir::Graph chain() {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 2, 3, 4});
  const auto two = b.constant("two", {1}, {2.0f});
  const auto m = b.node("Mul", {x, two}, {1, 2, 3, 4});
  const auto r = b.node("Relu", {m}, {1, 2, 3, 4});
  const auto s = b.node("Add", {r, m}, {1, 2, 3, 4});
  const auto scale = b.constant("scale", {2}, {0.5f, 2.0f}), bias = b.constant("bias", {2}, {1.0f, -1.0f});
  const auto mean = b.constant("mean", {2}, {0.0f, 1.0f}), var = b.constant("var", {2}, {1.0f, 4.0f});
  const auto y = b.node("BatchNormalization", {s, scale, bias, mean, var}, {1, 2, 3, 4}, {{"epsilon", 0.0f}});
  const auto f = b.node("Flatten", {m}, {1, 24});
  b.output(y);
  b.output(f);
  return b.build();
}

std::vector<float> expected_y(const std::vector<float>& x) {
  std::vector<float> y(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const float m = x[i] * 2.0f, s = (m > 0.0f ? m : 0.0f) + m;
    const bool c1 = i >= 12;
    y[i] = s * (c1 ? 2.0f / 2.0f : 0.5f) + (c1 ? -1.0f - 1.0f * 1.0f : 1.0f);
  }
  return y;
}

}  // namespace

TEST_CASE("in-place element-wise outputs equal fresh ones and never touch bytes held elsewhere", "[kernels]") {
  const ir::Graph g = chain();
  std::vector<float> xv(24);
  for (size_t i = 0; i < xv.size(); ++i) xv[i] = static_cast<float>(i) - 11.5f;
  const ir::Tensor x = ir::Tensor::from<float>({1, 2, 3, 4}, xv);
  runtime::ThreadPool pool(2);
  const runtime::Executor ex(g, pool);
  for (int run = 0; run < 2; ++run) {
    std::vector<std::vector<float>> seen;  // an observer's copies of every output
    std::vector<ir::Tensor> held;
    const auto out = ex.run({{"x", x}}, [&](const ir::Node&, const std::vector<ir::Tensor>& outs) {
      held.push_back(outs[0]);
      seen.push_back(values_of(outs[0]));
    });
    CHECK(values_of(x) == xv);  // the caller's input
    CHECK(values_of(out.at(g.outputs[0])) == expected_y(xv));
    std::vector<float> m(xv.size());
    for (size_t i = 0; i < xv.size(); ++i) m[i] = xv[i] * 2.0f;
    CHECK(values_of(out.at(g.outputs[1])) == m);  // Flatten's view of m outlives the Add that read m last
    REQUIRE(held.size() == seen.size());
    for (size_t i = 0; i < held.size(); ++i) CHECK(values_of(held[i]) == seen[i]);  // the observer's tensors
  }
  // without an observer the chain runs in place; the result is the same
  const auto out = ex.run({{"x", x}});
  CHECK(values_of(x) == xv);
  CHECK(values_of(out.at(g.outputs[0])) == expected_y(xv));
}
