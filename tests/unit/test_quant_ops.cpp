// The int8 kernels of Softmax, Sub, Div, PRelu, ConvTranspose, ReduceMean,
// Pad, bilinear Resize and MatMul of two activations, each as a one-op graph
// on random data: the quantiser lowers the op to int8, the int8 result has a
// cosine >= 0.999 against fp32, and it stays within 1 LSB (the output's
// scale) of the QDQ form (float op between DequantizeLinear and
// QuantizeLinear) that onnxruntime runs as the reference (tests/ort).
#include <catch2/catch.hpp>

#include <cmath>
#include <functional>

#include "graph_builder.h"
#include "quant/accuracy.h"
#include "quant/calibrate.h"
#include "quant/prepare.h"
#include "quant/qdq_export.h"
#include "quant/quantize_graph.h"
#include "runtime/executor.h"

namespace rknnc {
namespace quant_ops_test {

using test::GraphBuilder;

struct Operand {
  std::string name;
  ir::Shape shape;
  float lo, hi;
};

struct OpCase {
  std::string op;
  std::vector<Operand> inputs;
  std::function<std::string(GraphBuilder&, const std::vector<std::string>&)> build;  // returns the output
};

runtime::TensorMap sample(const OpCase& c, uint32_t seed) {
  GraphBuilder r(seed);
  runtime::TensorMap m;
  for (const Operand& o : c.inputs) m[o.name] = r.random(o.shape, o.lo, o.hi);
  return m;
}

struct Lowered {
  ir::Graph fp, q, qdq;
};

Lowered lower(const OpCase& c) {
  GraphBuilder b(7);
  std::vector<std::string> in;
  for (const Operand& o : c.inputs) in.push_back(b.input(o.name, o.shape));
  b.output(c.build(b, in));
  Lowered l{b.build(), {}, {}};
  l.q = l.fp;
  quant::prepare_for_int8(l.q);
  const auto cal = quant::calibrate(l.q, 16, [&](size_t i) {
    runtime::TensorMap m = sample(c, static_cast<uint32_t>(100 + i));
    std::vector<ir::Tensor> v;
    for (const Operand& o : c.inputs) v.push_back(m.at(o.name));
    return v;
  });
  quant::quantize_graph(l.q, cal, quant::Method::Channel);
  ir::verify(l.q, "quantised");
  l.qdq = quant::to_qdq_graph(l.q);
  return l;
}

// The output's int8 scale: that of the tensor the final DequantizeLinear reads.
float output_scale(const ir::Graph& q) {
  for (const auto& n : q.nodes)
    if (n->op_type == "DequantizeLinear" && n->outputs[0] == q.outputs[0]) return q.quant.at(n->input(0)).scale_at(0);
  FAIL("the output is not dequantised from int8");
  return 0;
}

void check_op(const OpCase& c) {
  INFO(c.op);
  const Lowered l = lower(c);
  bool int8 = false;
  for (const auto& n : l.q.nodes)
    if (n->op_type == c.op) int8 = l.q.quant_params(n->outputs[0]) != nullptr;
  CHECK(int8);
  const float lsb = output_scale(l.q);
  std::vector<float> ref, got;
  float worst = 0;
  for (uint32_t s = 0; s < 4; ++s) {
    const runtime::TensorMap x = sample(c, 1000 + s);
    const ir::Tensor f = runtime::Executor(l.fp).run(x).at(l.fp.outputs[0]);
    const ir::Tensor i8 = runtime::Executor(l.q).run(x).at(l.q.outputs[0]);
    const ir::Tensor qdq = runtime::Executor(l.qdq).run(x).at(l.qdq.outputs[0]);
    REQUIRE(i8.shape() == f.shape());
    REQUIRE(qdq.shape() == f.shape());
    for (int64_t k = 0; k < f.numel(); ++k) {
      ref.push_back(f.data<float>()[k]);
      got.push_back(i8.data<float>()[k]);
      worst = std::max(worst, std::abs(i8.data<float>()[k] - qdq.data<float>()[k]) / lsb);
    }
  }
  const ir::Shape n{static_cast<int64_t>(ref.size())};
  const double cosine = quant::compare_tensors(ir::Tensor::from<float>(n, ref), ir::Tensor::from<float>(n, got)).cosine;
  CHECK(cosine >= 0.999);
  CHECK(worst <= 1.0001f);
}

std::string binary_op(GraphBuilder& b, const std::string& op, const std::vector<std::string>& in, ir::Shape out) {
  return b.node(op, {in[0], in[1]}, std::move(out));
}

TEST_CASE("int8 Sub and Div of two activations, and Div by a constant", "[quant][int8ops]") {
  const std::vector<Operand> ab = {{"a", {1, 4, 8, 8}, -2.f, 3.f}, {"b", {1, 4, 8, 8}, 0.5f, 2.f}};
  check_op({"Sub", ab, [](GraphBuilder& b, const auto& in) { return binary_op(b, "Sub", in, {1, 4, 8, 8}); }});
  check_op({"Div", ab, [](GraphBuilder& b, const auto& in) { return binary_op(b, "Div", in, {1, 4, 8, 8}); }});
  check_op({"Div", {{"a", {1, 4, 8, 8}, -2.f, 3.f}}, [](GraphBuilder& b, const auto& in) {
              const auto r = b.node("Relu", {in[0]}, {1, 4, 8, 8});
              return b.node("Div", {r, b.constant("k", {}, {3.f})}, {1, 4, 8, 8});
            }});
}

TEST_CASE("the input normalisation (Sub / Div of a graph input by a constant) stays float", "[quant][int8ops]") {
  GraphBuilder b;
  const auto x = b.input("x", {1, 3, 8, 8});
  const auto c = b.node("Sub", {x, b.constant("mean", {1, 3, 1, 1}, {120.f, 110.f, 100.f})}, {1, 3, 8, 8});
  const auto n = b.node("Div", {c, b.constant("std", {1, 3, 1, 1}, {58.f, 57.f, 57.f})}, {1, 3, 8, 8});
  const auto d = b.node("Div", {n, b.constant("two", {}, {2.f})}, {1, 3, 8, 8});
  b.output(b.node("Sub", {d, b.node("Relu", {n}, {1, 3, 8, 8})}, {1, 3, 8, 8}));
  ir::Graph g = b.build();
  quant::prepare_for_int8(g);
  const auto cal = quant::calibrate(g, 2, [](size_t i) {
    return std::vector{GraphBuilder(static_cast<uint32_t>(i)).random({1, 3, 8, 8}, 0.f, 255.f)};
  });
  const auto stats = quant::quantize_graph(g, cal, quant::Method::Channel);
  CHECK(stats.float_ops.at("Sub") == 1);  // the mean, not the Sub of two activations
  CHECK(stats.float_ops.at("Div") == 2);  // the std and the chain's Div by 2
}

TEST_CASE("int8 PRelu with a per-channel slope", "[quant][int8ops]") {
  check_op({"PRelu", {{"x", {1, 4, 8, 8}, -3.f, 3.f}}, [](GraphBuilder& b, const auto& in) {
              return b.node("PRelu", {in[0], b.constant("slope", {4, 1, 1}, {0.1f, 0.25f, 0.5f, 0.05f})}, {1, 4, 8, 8});
            }});
}

TEST_CASE("int8 Softmax along the last and a middle axis", "[quant][int8ops]") {
  for (int64_t axis : {-1, 1}) {
    check_op({"Softmax", {{"x", {2, 10, 16}, -4.f, 4.f}}, [axis](GraphBuilder& b, const auto& in) {
                return b.node("Softmax", {in[0]}, {2, 10, 16}, {{"axis", axis}});
              }});
  }
}

TEST_CASE("int8 ReduceMean over the spatial axes and over channels", "[quant][int8ops]") {
  check_op({"ReduceMean", {{"x", {1, 8, 6, 6}, -1.f, 2.f}}, [](GraphBuilder& b, const auto& in) {
              return b.node("ReduceMean", {in[0]}, {1, 8, 1, 1}, {{"axes", std::vector<int64_t>{2, 3}}});
            }});
  check_op({"ReduceMean", {{"x", {1, 8, 6, 6}, -1.f, 2.f}}, [](GraphBuilder& b, const auto& in) {
              return b.node("ReduceMean", {in[0]}, {1, 6, 6}, {{"axes", std::vector<int64_t>{1}}, {"keepdims", int64_t{0}}});
            }});
}

TEST_CASE("int8 Pad (constant value, reflect) and bilinear Resize after an int8 op", "[quant][int8ops]") {
  // Pad and Resize keep their input's parameters, so an int8 op (Relu) feeds them.
  const Operand x{"x", {1, 3, 8, 8}, -1.f, 2.f};
  check_op({"Pad", {x}, [](GraphBuilder& b, const auto& in) {
              const auto r = b.node("Relu", {in[0]}, {1, 3, 8, 8});
              return b.node("Pad", {r, b.ints("pads", {0, 0, 1, 2, 0, 0, 2, 1}), b.constant("v", {}, {0.5f})},
                            {1, 3, 11, 11});
            }});
  check_op({"Pad", {x}, [](GraphBuilder& b, const auto& in) {
              const auto r = b.node("Relu", {in[0]}, {1, 3, 8, 8});
              return b.node("Pad", {r, b.ints("pads", {0, 0, 2, 2, 0, 0, 2, 2})}, {1, 3, 12, 12},
                            {{"mode", std::string("reflect")}});
            }});
  for (const char* ctm : {"half_pixel", "align_corners"}) {
    check_op({"Resize", {x}, [ctm](GraphBuilder& b, const auto& in) {
                const auto r = b.node("Relu", {in[0]}, {1, 3, 8, 8});
                return b.node("Resize", {r, "", b.constant("scales", {4}, {1.f, 1.f, 2.f, 1.5f})}, {1, 3, 16, 12},
                              {{"mode", std::string("linear")}, {"coordinate_transformation_mode", std::string(ctm)}});
              }});
  }
}

TEST_CASE("int8 ConvTranspose: stride 2 with bias and Relu, and grouped", "[quant][int8ops]") {
  check_op({"ConvTranspose", {{"x", {1, 4, 5, 5}, -1.f, 1.f}}, [](GraphBuilder& b, const auto& in) {
              const auto w = b.constant("w", b.random({4, 6, 3, 3}, -0.5f, 0.5f));
              const auto bias = b.constant("bias", b.random({6}, -0.2f, 0.2f));
              return b.node("ConvTranspose", {in[0], w, bias}, {1, 6, 10, 10},
                            {{"strides", std::vector<int64_t>{2, 2}}, {"pads", std::vector<int64_t>{1, 1, 0, 0}},
                             {"output_padding", std::vector<int64_t>{0, 0}}});
            }});
  check_op({"ConvTranspose", {{"x", {1, 4, 5, 5}, -1.f, 1.f}}, [](GraphBuilder& b, const auto& in) {
              const auto w = b.constant("w", b.random({4, 3, 2, 2}, -0.5f, 0.5f));
              return b.node("ConvTranspose", {in[0], w}, {1, 6, 10, 10},
                            {{"strides", std::vector<int64_t>{2, 2}}, {"group", int64_t{2}}});
            }});
}

TEST_CASE("int8 MatMul of two activations (attention-style, batched)", "[quant][int8ops]") {
  check_op({"MatMul", {{"a", {2, 6, 16}, -1.f, 1.f}, {"b", {2, 16, 5}, -1.f, 1.f}},
            [](GraphBuilder& b, const auto& in) { return binary_op(b, "MatMul", in, {2, 6, 5}); }});
}

}  // namespace quant_ops_test
}  // namespace rknnc
