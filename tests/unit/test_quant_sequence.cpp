// A sequence model (Conv → LayerNormalization → LSTM) converted to int8 for
// rk3588: the ops without an int8 kernel stay float between Dequantize /
// Quantize, run on the CPU with the placement warning, and the result stays
// close to fp32. An additive -inf attention mask keeps its Add and Softmax float.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "compiler/compile.h"
#include "graph_builder.h"
#include "quant/accuracy.h"
#include "quant/calibrate.h"
#include "quant/prepare.h"
#include "quant/quantize_graph.h"
#include "quant/weights.h"
#include "runtime/executor.h"
#include "runtime/program_runner.h"
#include "target/target.h"

namespace rknnc {
namespace {

using test::GraphBuilder;

// x[1,3,8,8] → Conv(3→8, 3x3 pad 1) → Reshape [8, 1, 64] → LayerNormalization → LSTM(hidden 16) → Y [8, 1, 1, 16]
ir::Graph conv_layernorm_lstm() {
  GraphBuilder b;
  const auto x = b.input("x", {1, 3, 8, 8});
  const auto w = b.constant("w", b.random({8, 3, 3, 3}, -0.5f, 0.5f));
  const auto c = b.node("Conv", {x, w}, {1, 8, 8, 8}, {{"pads", std::vector<int64_t>{1, 1, 1, 1}}});
  const auto r = b.node("Reshape", {c, b.ints("seq_shape", {8, 1, 64})}, {8, 1, 64});
  const auto ln = b.node("LayerNormalization", {r, b.constant("ln_scale", b.random({64}, 0.5f, 1.5f)),
                                                b.constant("ln_bias", b.random({64}, -0.2f, 0.2f))},
                         {8, 1, 64}, {{"axis", int64_t{-1}}});
  const auto lw = b.constant("lstm_w", b.random({1, 64, 64}, -0.3f, 0.3f));
  const auto lr = b.constant("lstm_r", b.random({1, 64, 16}, -0.3f, 0.3f));
  b.output(b.node("LSTM", {ln, lw, lr}, {8, 1, 1, 16}, {{"hidden_size", int64_t{16}}}));
  return b.build();
}

ir::Tensor sample(uint32_t seed) { return GraphBuilder(seed).random({1, 3, 8, 8}, 0.f, 2.f); }

bool is_float_input(const ir::Graph& g, const ir::Node& n) {
  return g.info(n.input(0))->dtype == ir::DataType::Float32 && !g.quant_params(n.outputs[0]);
}

}  // namespace

TEST_CASE("LayerNormalization and LSTM stay float in an int8 rk3588 conversion", "[quant][recurrent]") {
  const ir::Graph fp = conv_layernorm_lstm();
  ir::Graph q = fp;
  quant::prepare_for_int8(q);
  quant::quantize_graph(q, quant::calibrate(q, 4, [](size_t i) { return std::vector{sample(static_cast<uint32_t>(10 + i))}; }, {}),
                        quant::Method::Channel);
  ir::verify(q, "quantised");
  int float_ops = 0;
  for (const auto& n : q.nodes) {
    if (n->op_type == "Conv") CHECK(q.constant(n->input(1))->dtype() == ir::DataType::Int8);
    if (n->op_type == "LayerNormalization" || n->op_type == "LSTM") {
      CHECK(is_float_input(q, *n));
      ++float_ops;
    }
  }
  CHECK(float_ops == 2);

  std::vector<std::string> warnings;
  const compiler::Program p = compiler::compile(q, target::find_target("rk3588"), {}, warnings);
  for (const auto& s : p.steps)
    if (s.op_type == "LayerNormalization" || s.op_type == "LSTM") CHECK(s.device == compiler::Device::Cpu);
  CHECK(std::any_of(warnings.begin(), warnings.end(), [](const std::string& w) {
    return w.find("run on the CPU") != std::string::npos && w.find("not an NPU op of rk3588") != std::string::npos;
  }));
  for (uint32_t seed : {1u, 2u, 3u, 4u}) {
    const runtime::TensorMap in{{"x", sample(seed)}};
    const ir::Tensor ref = runtime::Executor(fp).run(in).at(fp.outputs[0]);
    const ir::Tensor sim = runtime::Executor(q).run(in).at(q.outputs[0]);
    const ir::Tensor npu = runtime::ProgramRunner(q, p).run(in).at(q.outputs[0]);
    CHECK(quant::compare_tensors(ref, sim).cosine > 0.99);
    REQUIRE(npu.shape() == sim.shape());
    CHECK(std::memcmp(npu.raw(), sim.raw(), sim.nbytes()) == 0);
  }
}

TEST_CASE("Elu, Selu, Celu, Softplus, Mish, Gelu and ThresholdedRelu run int8 through a lookup table", "[quant]") {
  GraphBuilder b;
  const auto x = b.input("x", {1, 3, 8, 8});
  const auto w = b.constant("w", b.random({4, 3, 3, 3}, -0.5f, 0.5f));
  std::string v = b.node("Conv", {x, w}, {1, 4, 8, 8}, {{"pads", std::vector<int64_t>{1, 1, 1, 1}}});
  const std::vector<std::string> ops{"Elu", "Selu", "Celu", "Softplus", "Mish", "Gelu", "ThresholdedRelu"};
  for (const auto& op : ops) v = b.node(op, {v}, {1, 4, 8, 8}, {{"alpha", op == "ThresholdedRelu" ? 0.1f : 1.0f}});
  b.output(v);
  const ir::Graph fp = b.build();
  ir::Graph q = fp;
  quant::prepare_for_int8(q);
  quant::quantize_graph(q, quant::calibrate(q, 4, [](size_t i) { return std::vector{sample(static_cast<uint32_t>(20 + i))}; }, {}),
                        quant::Method::Channel);
  for (const auto& n : q.nodes)
    if (std::find(ops.begin(), ops.end(), n->op_type) != ops.end()) {
      CHECK(q.info(n->input(0))->dtype == ir::DataType::Int8);
      CHECK(q.quant_params(n->outputs[0]) != nullptr);
    }
  const runtime::TensorMap in{{"x", sample(5)}};
  CHECK(quant::compare_tensors(runtime::Executor(fp).run(in).at(fp.outputs[0]),
                               runtime::Executor(q).run(in).at(q.outputs[0])).cosine > 0.99);
}

}  // namespace rknnc

namespace rknnc {
namespace test_quant_sequence_mask {

// Causal attention over x[1, 4, 8]: scores = x·W·xᵀ-like MatMul, + mask (-inf above
// the diagonal), Softmax, MatMul with x.
ir::Graph masked_attention() {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 4, 8});
  const auto q = b.node("MatMul", {x, b.constant("wq", b.random({8, 8}, -0.5f, 0.5f))}, {1, 4, 8});
  const auto kt = b.node("Transpose", {x}, {1, 8, 4}, {{"perm", std::vector<int64_t>{0, 2, 1}}});
  const auto s = b.node("MatMul", {q, kt}, {1, 4, 4});
  std::vector<float> mask(16, 0.0f);
  for (int i = 0; i < 4; ++i)
    for (int j = i + 1; j < 4; ++j) mask[static_cast<size_t>(i * 4 + j)] = -std::numeric_limits<float>::infinity();
  const auto m = b.node("Add", {s, b.constant("mask", {4, 4}, mask)}, {1, 4, 4});
  const auto p = b.node("Softmax", {m}, {1, 4, 4}, {{"axis", int64_t{-1}}});
  b.output(b.node("MatMul", {p, x}, {1, 4, 8}));
  return b.build();
}

ir::Tensor sample(uint32_t seed) { return test::GraphBuilder(seed).random({1, 4, 8}, -1.f, 1.f); }

}  // namespace test_quant_sequence_mask

TEST_CASE("an additive -inf attention mask keeps its Add and Softmax float; the rest is int8", "[quant]") {
  const ir::Graph fp = test_quant_sequence_mask::masked_attention();
  ir::Graph q = fp;
  quant::prepare_for_int8(q);
  const auto stats = quant::quantize_graph(
      q, quant::calibrate(q, 4, [](size_t i) { return std::vector{test_quant_sequence_mask::sample(30u + static_cast<uint32_t>(i))}; }, {}),
      quant::Method::Channel);
  ir::verify(q, "quantised");
  int matmuls = 0;
  for (const auto& n : q.nodes) {
    if (n->op_type == "Add" || n->op_type == "Softmax") CHECK(q.info(n->input(0))->dtype == ir::DataType::Float32);
    if (n->op_type == "MatMul") matmuls += q.info(n->input(0))->dtype == ir::DataType::Int8;
  }
  CHECK(matmuls == 3);
  CHECK(std::count_if(stats.warnings.begin(), stats.warnings.end(), [](const std::string& w) {
          return w.find("holds infinite values") != std::string::npos;
        }) == 2);  // the Add (its constant) and the Softmax (its input in calibration)
  for (uint32_t seed : {1u, 2u}) {
    const runtime::TensorMap in{{"x", test_quant_sequence_mask::sample(seed)}};
    const ir::Tensor ref = runtime::Executor(fp).run(in).at(fp.outputs[0]);
    CHECK(quant::compare_tensors(ref, runtime::Executor(q).run(in).at(q.outputs[0])).cosine > 0.99);
  }
}

TEST_CASE("a constant holding -inf quantises over its finite values; -inf saturates", "[quant]") {
  const float inf = std::numeric_limits<float>::infinity();
  const auto c = quant::quantize_constant(ir::Tensor::from<float>({4}, {-1.0f, 0.0f, 2.0f, -inf}));
  REQUIRE(std::isfinite(c.params.scale[0]));
  CHECK(c.params.scale[0] == Approx(3.0f / 255.0f));
  CHECK(c.values.data<int8_t>()[3] == -128);
  CHECK(c.values.data<int8_t>()[0] == -128);
}

TEST_CASE("DepthToSpace and SpaceToDepth after an int8 op stay int8 and move values exactly", "[quant]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 3, 8, 8});
  const auto w = b.constant("w", b.random({8, 3, 3, 3}, -0.5f, 0.5f));
  const auto c = b.node("Conv", {x, w}, {1, 8, 8, 8}, {{"pads", std::vector<int64_t>{1, 1, 1, 1}}});
  const auto d = b.node("DepthToSpace", {c}, {1, 2, 16, 16}, {{"blocksize", int64_t{2}}, {"mode", std::string("CRD")}});
  b.output(b.node("SpaceToDepth", {d}, {1, 8, 8, 8}, {{"blocksize", int64_t{2}}}));
  const ir::Graph fp = b.build();
  ir::Graph q = fp;
  quant::prepare_for_int8(q);
  quant::quantize_graph(q, quant::calibrate(q, 4, [](size_t i) { return std::vector{sample(static_cast<uint32_t>(40 + i))}; }, {}),
                        quant::Method::Channel);
  for (const auto& n : q.nodes)
    if (n->op_type == "DepthToSpace" || n->op_type == "SpaceToDepth") {
      CHECK(q.info(n->input(0))->dtype == ir::DataType::Int8);
      REQUIRE(q.quant_params(n->outputs[0]) != nullptr);
      CHECK(*q.quant_params(n->outputs[0]) == *q.quant_params(n->input(0)));
    }
  // CRD DepthToSpace then SpaceToDepth is the identity on the Conv's int8 output.
  const runtime::TensorMap in{{"x", sample(6)}};
  std::vector<std::string> keep;
  for (const auto& n : q.nodes)
    if (n->op_type == "Conv") keep.push_back(n->outputs[0]);
  REQUIRE(keep.size() == 1);
  q.outputs.push_back(keep[0]);
  const runtime::TensorMap out = runtime::Executor(q).run(in);
  const ir::Tensor& conv = out.at(keep[0]);
  const ir::Tensor& back = out.at(q.outputs[0]);
  REQUIRE(back.dtype() == ir::DataType::Float32);
  CHECK(quant::compare_tensors(runtime::Executor(fp).run(in).at(fp.outputs[0]), back).cosine > 0.999);
  CHECK(conv.dtype() == ir::DataType::Int8);
}

}  // namespace rknnc

