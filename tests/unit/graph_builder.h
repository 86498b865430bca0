#pragma once
// Builds small IR graphs for tests tersely:
//   GraphBuilder b;
//   auto x = b.input("x", {1, 3, 8, 8});
//   auto w = b.constant("w", b.random({4, 3, 3, 3}));
//   auto y = b.node("Conv", {x, w}, {1, 4, 6, 6}, {{"pads", std::vector<int64_t>{0, 0, 0, 0}}});
//   b.output(y);
//   ir::Graph g = b.build();   // verified
#include <cstdint>
#include <initializer_list>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "ir/graph.h"
#include "ir/verifier.h"

namespace rknnc::test {

class GraphBuilder {
 public:
  explicit GraphBuilder(uint32_t seed = 1) : rng_(seed) {}

  std::string input(const std::string& name, ir::Shape shape, ir::DataType dtype = ir::DataType::Float32) {
    g_.inputs.push_back(name);
    g_.values[name] = {dtype, std::move(shape), true};
    return name;
  }
  std::string constant(const std::string& name, ir::Tensor t) {
    g_.add_constant(name, std::move(t));
    return name;
  }
  std::string constant(const std::string& name, ir::Shape shape, std::vector<float> values) {
    return constant(name, ir::Tensor::from<float>(std::move(shape), values));
  }
  std::string ints(const std::string& name, std::vector<int64_t> values) {
    return constant(name, ir::Tensor::from<int64_t>({static_cast<int64_t>(values.size())}, values));
  }
  // Uniform values in [lo, hi), deterministic per builder seed.
  ir::Tensor random(ir::Shape shape, float lo = -1.0f, float hi = 1.0f) {
    ir::Tensor t(ir::DataType::Float32, std::move(shape));
    std::uniform_real_distribution<float> dist(lo, hi);
    float* p = t.data<float>();
    for (int64_t i = 0; i < t.numel(); ++i) p[i] = dist(rng_);
    return t;
  }
  // Adds a node with one output of the given shape; returns the output name.
  std::string node(const std::string& op, std::vector<std::string> inputs, ir::Shape out_shape,
                   std::initializer_list<std::pair<const char*, ir::Attribute>> attrs = {},
                   ir::DataType dtype = ir::DataType::Float32) {
    const std::string name = op + "_" + std::to_string(++count_);
    const std::string out = name + "_out";
    auto n = std::make_unique<ir::Node>();
    n->name = name;
    n->op_type = op;
    n->inputs = std::move(inputs);
    n->outputs = {out};
    for (const auto& [k, v] : attrs) n->attrs.set(k, v);
    g_.add_node(std::move(n));
    g_.values[out] = {dtype, std::move(out_shape), true};
    return out;
  }
  ir::Node& last() { return *g_.nodes.back(); }
  void output(const std::string& value) { g_.outputs.push_back(value); }
  ir::Graph build() {
    ir::verify(g_, "graph_builder");
    return g_;
  }
  ir::Graph& graph() { return g_; }

 private:
  ir::Graph g_;
  std::mt19937 rng_;
  int count_ = 0;
};

}  // namespace rknnc::test
