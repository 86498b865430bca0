// The aten → ONNX mapping of the TorchScript reader on hand-made executed
// graphs (no libtorch needed): ops, folded weights, QDQ pairs with torch's
// parameters, and the one-line error for an op without a mapping.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "frontends/pytorch/aten_to_onnx.h"
#include "util/error.h"

using namespace rknnc;
using namespace rknnc::frontends::pytorch;

namespace {

std::map<std::string, int> op_histogram(const onnx::ModelProto& m) {
  std::map<std::string, int> ops;
  for (const auto& n : m.graph().node()) ++ops[n.op_type()];
  return ops;
}

Arg ints(std::vector<int64_t> v) { return Arg::of_ints(std::move(v)); }

// x[1,2,4,4] → conv 3x3 (2→3, pad 1) → relu → flatten(1) → y
TorchGraph conv_relu_flatten(bool quantised) {
  TorchGraph g;
  g.inputs = {"x"};
  g.values["x"] = {ir::DataType::Float32, {1, 2, 4, 4}, std::nullopt};
  g.constants["w"] = ir::Tensor(quantised ? ir::DataType::Int8 : ir::DataType::Float32, {3, 2, 3, 3});
  g.constants["b"] = ir::Tensor(ir::DataType::Float32, {3});
  std::optional<QuantParams> q;
  if (quantised) {
    g.constant_quant["w"] = {{0.1f, 0.2f, 0.3f}, {0, 0, 0}, 0, ir::DataType::Int8};
    q = QuantParams{{0.05f}, {128}, -1, ir::DataType::UInt8};
    g.nodes.push_back({"aten::quantize_per_tensor", {Arg::of_tensor("x")}, {"xq"}, "m.py:1"});
    g.values["xq"] = {ir::DataType::Float32, {1, 2, 4, 4}, q};
    g.nodes.push_back({"quantized::conv2d_relu",
                       {Arg::of_tensor("xq"), Arg::of_tensor("w"), Arg::of_tensor("b"), ints({1, 1}), ints({1, 1}),
                        ints({1, 1}), Arg::of_int(1)},
                       {"c"},
                       "m.py:2"});
  } else {
    g.nodes.push_back({"aten::_convolution",
                       {Arg::of_tensor("x"), Arg::of_tensor("w"), Arg::of_tensor("b"), ints({1, 1}), ints({1, 1}),
                        ints({1, 1}), Arg::of_int(0), ints({0, 0}), Arg::of_int(1)},
                       {"c0"},
                       "m.py:2"});
    g.values["c0"] = {ir::DataType::Float32, {1, 3, 4, 4}, std::nullopt};
    g.nodes.push_back({"aten::relu_", {Arg::of_tensor("c0")}, {"c"}, "m.py:3"});
  }
  g.values["c"] = {ir::DataType::Float32, {1, 3, 4, 4}, q};
  g.nodes.push_back({"aten::flatten", {Arg::of_tensor("c"), Arg::of_int(1), Arg::of_int(-1)}, {"f"}, "m.py:4"});
  g.values["f"] = {ir::DataType::Float32, {1, 48}, q};
  if (quantised) {
    g.nodes.push_back({"aten::dequantize", {Arg::of_tensor("f")}, {"y"}, "m.py:5"});
    g.values["y"] = {ir::DataType::Float32, {1, 48}, std::nullopt};
    g.outputs = {"y"};
  } else {
    g.outputs = {"f"};
  }
  return g;
}

}  // namespace

TEST_CASE("pytorch mapping: float conv, in-place relu and flatten become Conv, Relu, Flatten") {
  const onnx::ModelProto m = to_onnx_model(conv_relu_flatten(false), "m.pt");
  CHECK(op_histogram(m) == std::map<std::string, int>{{"Conv", 1}, {"Flatten", 1}, {"Relu", 1}});
  CHECK(m.graph().output(0).name() == "f");
  const auto& conv = m.graph().node(0);
  for (const auto& a : conv.attribute())
    if (a.name() == "pads") CHECK(std::vector<int64_t>(a.ints().begin(), a.ints().end()) == std::vector<int64_t>{1, 1, 1, 1});
}

TEST_CASE("pytorch mapping: quantised ops become QDQ pairs with torch's parameters") {
  const onnx::ModelProto m = to_onnx_model(conv_relu_flatten(true), "m.pt");
  const auto ops = op_histogram(m);
  CHECK(ops.at("Conv") == 1);
  CHECK(ops.at("Relu") == 1);
  // x quantised; conv output requantised; flatten output requantised; weight, x, conv and flatten outputs dequantised
  CHECK(ops.at("QuantizeLinear") == 3);
  CHECK(ops.at("DequantizeLinear") == 4);
  bool per_channel = false;
  for (const auto& n : m.graph().node())
    if (n.op_type() == "DequantizeLinear")
      for (const auto& a : n.attribute()) per_channel = per_channel || (a.name() == "axis" && a.i() == 0);
  CHECK(per_channel);
}

TEST_CASE("pytorch mapping: an op without a mapping is one line naming the op and its source") {
  TorchGraph g;
  g.inputs = {"x"};
  g.values["x"] = {ir::DataType::Float32, {1, 4}, std::nullopt};
  g.values["y"] = {ir::DataType::Float32, {1, 4}, std::nullopt};
  g.nodes.push_back({"aten::cumsum", {Arg::of_tensor("x"), Arg::of_int(1)}, {"y"}, "m.py:7: torch.cumsum(x, 1)"});
  g.outputs = {"y"};
  try {
    to_onnx_model(g, "m.pt");
    FAIL("no error");
  } catch (const Error& e) {
    const std::string msg = e.what();
    CHECK(msg.find("m.pt: op aten::cumsum (m.py:7: torch.cumsum(x, 1)) is not supported") == 0);
    CHECK(msg.find("torch.onnx.export") != std::string::npos);
    CHECK(msg.find('\n') == std::string::npos);
  }
}
