// QDQ import (quant/qdq_import.h): uint8 -> int8 by the zero point, per-axis
// weights, activation pairs, the lowering with the model's parameters only,
// and the warnings for patterns the int8 path cannot honour.
#include <catch2/catch.hpp>

#include "graph_builder.h"
#include "quant/qdq_import.h"
#include "quant/quantize_graph.h"

namespace rknnc::qdq_import_test {

std::string scalar(test::GraphBuilder& b, const std::string& name, float v) {
  return b.constant(name, ir::Tensor::from<float>({}, {v}));
}

std::string zero_u8(test::GraphBuilder& b, const std::string& name, uint8_t z) {
  return b.constant(name, ir::Tensor::from<uint8_t>({}, {z}));
}

// x -> Q/DQ (uint8, zero point 130) -> Conv (int8 per-axis weights, DQ axis 0) -> Q/DQ (uint8) -> y
struct ConvModel {
  ir::Graph g;
  std::string conv_out;
};

ConvModel conv_model() {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 2, 4, 4});
  const auto xq = b.node("QuantizeLinear", {x, scalar(b, "sx", 0.02f), zero_u8(b, "zx", 130)}, {1, 2, 4, 4}, {},
                         ir::DataType::UInt8);
  const auto xd = b.node("DequantizeLinear", {xq, "sx", "zx"}, {1, 2, 4, 4});
  // Weights: 3 output channels, per-axis scales, values -128..127 included.
  std::vector<int8_t> wq(3 * 2 * 1 * 1);
  for (size_t i = 0; i < wq.size(); ++i) wq[i] = static_cast<int8_t>(i % 2 ? -128 + static_cast<int>(i) : 127 - static_cast<int>(i));
  b.constant("wq", ir::Tensor::from<int8_t>({3, 2, 1, 1}, wq));
  b.constant("sw", ir::Tensor::from<float>({3}, {0.01f, 0.02f, 0.04f}));
  b.constant("zw", ir::Tensor::from<int8_t>({3}, {0, 0, 0}));
  const auto wd = b.node("DequantizeLinear", {"wq", "sw", "zw"}, {3, 2, 1, 1}, {{"axis", int64_t{0}}});
  const auto c = b.node("Conv", {xd, wd}, {1, 3, 4, 4});
  const auto cq = b.node("QuantizeLinear", {c, scalar(b, "sc", 0.05f), zero_u8(b, "zc", 100)}, {1, 3, 4, 4}, {},
                         ir::DataType::UInt8);
  const auto y = b.node("DequantizeLinear", {cq, "sc", "zc"}, {1, 3, 4, 4});
  b.output(y);
  return {b.build(), cq};
}

TEST_CASE("uint8 parameters become int8 ones by moving the zero point by 128") {
  const ir::QuantParams u8 = ir::QuantParams::per_tensor(0.1f, 130);
  const ir::QuantParams i8 = quant::as_int8(u8, ir::DataType::UInt8);
  CHECK(i8.zero_point == std::vector<int32_t>{2});
  CHECK(i8.scale == u8.scale);
  CHECK(quant::as_int8(u8, ir::DataType::Int8) == u8);
  // Every uint8 code q is the int8 code q - 128 with the same real value.
  for (int q = 0; q <= 255; ++q)
    CHECK((q - u8.zero_point[0]) * u8.scale[0] == ((q - 128) - i8.zero_point[0]) * i8.scale[0]);
}

TEST_CASE("QDQ import: activation pairs and per-axis weights become parameters, the graph becomes float") {
  auto m = conv_model();
  ir::Graph& g = m.g;
  const quant::QdqImport r = quant::import_qdq(g);
  CHECK(r.warnings.empty());
  CHECK(r.pairs == 2);
  CHECK(r.constants == 1);
  CHECK_FALSE(quant::has_qdq_nodes(g));
  REQUIRE(g.nodes.size() == 1);
  const ir::Node& conv = *g.nodes[0];
  CHECK(conv.input(0) == "x");          // a graph input keeps its name
  CHECK(conv.outputs[0] == "DequantizeLinear_6_out");  // the graph output keeps its name
  CHECK(r.params.at("x") == ir::QuantParams::per_tensor(0.02f, 2));
  CHECK(r.params.at("DequantizeLinear_6_out") == ir::QuantParams::per_tensor(0.05f, -28));
  const ir::QuantParams& w = r.params.at(conv.input(1));
  CHECK(w.axis == 0);
  CHECK(w.scale == std::vector<float>{0.01f, 0.02f, 0.04f});
  CHECK(w.zero_point == std::vector<int32_t>{0, 0, 0});
  const ir::Tensor* wf = g.constant(conv.input(1));
  REQUIRE(wf);
  CHECK(wf->data<float>()[1] == -127.0f * 0.01f);  // element 1: code -127, channel 0
  CHECK(wf->data<float>()[5] == -123.0f * 0.04f);  // element 5: code -123, channel 2

  // The lowering with only the model's parameters reproduces the stored codes exactly.
  const quant::QuantizeStats s = quant::quantize_graph(g, quant::Calibration{}, quant::Method::Channel, &r.params, true);
  CHECK(s.warnings.empty());
  CHECK(s.int8_nodes == 1);
  const ir::Node* lowered = nullptr;
  for (const auto& n : g.nodes)
    if (n->op_type == "Conv") lowered = n.get();
  REQUIRE(lowered);
  CHECK(g.quant.at(lowered->input(1)) == w);
  const ir::Tensor* wq = g.constant(lowered->input(1));
  REQUIRE(wq);
  CHECK(wq->data<int8_t>()[0] == 127);
  CHECK(wq->data<int8_t>()[1] == -127);
  CHECK(g.quant.at(lowered->input(0)) == ir::QuantParams::per_tensor(0.02f, 2));
}

TEST_CASE("QDQ import: fake-quantised float weights (QuantizeLinear of a constant) fold to their int8 codes") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 2});
  b.constant("w", {3, 2}, {0.11f, -0.2f, 0.3f, 0.0f, -0.5f, 1.0f});
  const auto sw = b.constant("sw", ir::Tensor::from<float>({}, {0.1f}));
  const auto zw = b.constant("zw", ir::Tensor::from<int8_t>({}, {0}));
  const auto wq = b.node("QuantizeLinear", {"w", sw, zw}, {3, 2}, {}, ir::DataType::Int8);
  const auto wd = b.node("DequantizeLinear", {wq, sw, zw}, {3, 2});
  b.output(b.node("Gemm", {x, wd}, {1, 3}, {{"transB", int64_t{1}}}));
  ir::Graph g = b.build();
  const quant::QdqImport r = quant::import_qdq(g);
  CHECK(r.constants == 1);
  REQUIRE(g.nodes.size() == 1);
  const ir::Tensor* w = g.constant(g.nodes[0]->input(1));
  REQUIRE(w);
  CHECK(w->data<float>()[0] == 1.0f * 0.1f);  // 0.11 -> code 1
  CHECK(r.params.at(g.nodes[0]->input(1)) == ir::QuantParams::per_tensor(0.1f, 0));
}

TEST_CASE("QDQ import: a per-axis activation and disagreeing halves are warnings naming the node") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 2, 4});
  b.constant("s2", ir::Tensor::from<float>({2}, {0.1f, 0.2f}));
  b.constant("z2", ir::Tensor::from<uint8_t>({2}, {0, 0}));
  const auto q1 = b.node("QuantizeLinear", {x, "s2", "z2"}, {1, 2, 4}, {{"axis", int64_t{1}}}, ir::DataType::UInt8);
  const std::string q1_name = b.last().name;
  const auto d1 = b.node("DequantizeLinear", {q1, "s2", "z2"}, {1, 2, 4}, {{"axis", int64_t{1}}});
  const auto r1 = b.node("Relu", {d1}, {1, 2, 4});
  const auto q2 = b.node("QuantizeLinear", {r1, scalar(b, "sa", 0.1f), zero_u8(b, "za", 0)}, {1, 2, 4}, {},
                         ir::DataType::UInt8);
  const auto d2 = b.node("DequantizeLinear", {q2, scalar(b, "sb", 0.3f), "za"}, {1, 2, 4});
  const std::string d2_name = b.last().name;
  b.output(b.node("Sigmoid", {d2}, {1, 2, 4}));
  ir::Graph g = b.build();
  const quant::QdqImport r = quant::import_qdq(g);
  REQUIRE(r.warnings.size() == 2);
  CHECK(r.warnings[0].find("'" + q1_name + "'") != std::string::npos);
  CHECK(r.warnings[0].find("per-axis") != std::string::npos);
  CHECK(r.warnings[1].find("'" + d2_name + "'") != std::string::npos);
  CHECK(r.params.empty());  // nothing silently requantised
  // The lowering without calibration leaves the uncovered nodes float and says which.
  const quant::QuantizeStats s = quant::quantize_graph(g, quant::Calibration{}, quant::Method::Channel, &r.params, true);
  CHECK(s.int8_nodes == 0);
  CHECK_FALSE(s.warnings.empty());
}

}  // namespace rknnc::qdq_import_test
