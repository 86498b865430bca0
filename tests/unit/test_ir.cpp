#include <catch2/catch.hpp>

#include <bit>
#include <cstring>
#include <limits>
#include <random>

#include "ir/convert_float.h"
#include "ir/graph.h"
#include "ir/size_limit.h"
#include "ir/verifier.h"
#include "util/error.h"
#include "util/half.h"
#include "util/npy.h"

using namespace rknnc;

TEST_CASE("half precision round trip and rounding", "[util]") {
  CHECK(half_to_float(float_to_half(1.0f)) == 1.0f);
  CHECK(half_to_float(float_to_half(65504.0f)) == 65504.0f);
  CHECK(std::isinf(half_to_float(float_to_half(70000.0f))));
  CHECK(half_to_float(float_to_half(1e-7f)) == Approx(1.19209e-7f).epsilon(0.01));
  CHECK(float_to_half(1.0f + 1.0f / 2048) == float_to_half(1.0f));  // tie to even
}

TEST_CASE("tensor float16 conversion (F16C where present) gives the scalar routine's bits", "[util]") {
  // Every half, and floats around every rounding boundary, NaNs with payloads, infinities, subnormals.
  std::vector<uint16_t> halves(65536 + 5);
  for (size_t i = 0; i < halves.size(); ++i) halves[i] = static_cast<uint16_t>(i * 40503u);
  std::vector<float> floats;
  std::mt19937 rng(7);
  for (int i = 0; i < 200000; ++i) floats.push_back(std::bit_cast<float>(static_cast<uint32_t>(rng())));
  for (uint32_t h = 0; h < 65536; h += 3) {  // ties and their neighbours
    const uint32_t f = std::bit_cast<uint32_t>(rknnc::half_to_float(static_cast<uint16_t>(h)));
    for (uint32_t d : {0x0fffu, 0x1000u, 0x1001u}) floats.push_back(std::bit_cast<float>(f + d));
  }
  floats.push_back(std::numeric_limits<float>::quiet_NaN());
  floats.push_back(std::bit_cast<float>(0x7f800001u));  // signalling NaN
  floats.push_back(-std::numeric_limits<float>::infinity());
  const auto h16 = rknnc::ir::Tensor::from<uint16_t>({static_cast<int64_t>(halves.size())}, halves);
  const auto f32 = rknnc::ir::Tensor::from<float>({static_cast<int64_t>(floats.size())}, floats);
  rknnc::ir::Tensor as_half(rknnc::ir::DataType::Float16, h16.shape());
  std::memcpy(as_half.raw(), h16.raw(), h16.nbytes());
  const rknnc::ir::Tensor widened = rknnc::ir::convert_float(as_half, rknnc::ir::DataType::Float32);
  const rknnc::ir::Tensor narrowed = rknnc::ir::convert_float(f32, rknnc::ir::DataType::Float16);
  size_t wrong = 0;
  for (size_t i = 0; i < halves.size(); ++i)
    wrong += std::bit_cast<uint32_t>(widened.data<float>()[i]) !=
             std::bit_cast<uint32_t>(rknnc::half_to_float(halves[i]));
  for (size_t i = 0; i < floats.size(); ++i)
    wrong += static_cast<const uint16_t*>(narrowed.raw())[i] != rknnc::float_to_half(floats[i]);
  CHECK(wrong == 0);
}

TEST_CASE("npy round trip keeps dtype, shape and bytes", "[util]") {
  auto t = ir::Tensor::from<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  ir::Tensor back = parse_npy(to_npy(t), "mem");
  CHECK(back.shape() == t.shape());
  CHECK(back.dtype() == ir::DataType::Float32);
  CHECK(back.values<float>()[5] == 6.0f);
  auto s = ir::Tensor::from<int64_t>({3}, {7, 8, 9});
  CHECK(parse_npy(to_npy(s), "mem").to_int_vector() == std::vector<int64_t>{7, 8, 9});
  CHECK_THROWS_AS(parse_npy("garbage", "mem"), Error);
  std::string truncated = to_npy(t);
  truncated.resize(truncated.size() - 4);
  CHECK_THROWS_AS(parse_npy(truncated, "mem"), Error);
}

TEST_CASE("verifier catches use before definition", "[ir]") {
  ir::Graph g;
  g.inputs = {"x"};
  g.values["x"] = {ir::DataType::Float32, {1, 4}, true};
  g.values["y"] = g.values["x"];
  g.values["z"] = g.values["x"];
  g.add_node(std::make_unique<ir::Node>(ir::Node{"b", "Relu", "", {"y"}, {"z"}, {}}));
  g.add_node(std::make_unique<ir::Node>(ir::Node{"a", "Relu", "", {"x"}, {"y"}, {}}));
  g.outputs = {"z"};
  CHECK_THROWS_AS(ir::verify(g, "test"), Error);
  g.sort_topologically();
  CHECK_NOTHROW(ir::verify(g, "test"));
  CHECK(g.nodes.front()->name == "a");
}

TEST_CASE("shape sizes saturate instead of overflowing; tensors over the element limit are refused", "[ir]") {
  CHECK(ir::shape_numel({2, 3}) == 6);
  CHECK(ir::shape_numel({2, -1}) == -1);
  CHECK(ir::shape_numel({int64_t{1} << 40, int64_t{1} << 40}) == std::numeric_limits<int64_t>::max());
  CHECK(ir::shape_numel({int64_t{1} << 40, int64_t{1} << 40, 0}) == std::numeric_limits<int64_t>::max());
  CHECK_NOTHROW(ir::check_tensor_size({ir::kMaxTensorElements}, "t"));
  CHECK_THROWS_WITH(ir::check_tensor_size({ir::kMaxTensorElements + 1}, "tensor 'w'"),
                    Catch::StartsWith("tensor 'w' has shape [2147483649]: 2147483649 elements, more than the 2147483648"));
  CHECK_THROWS_WITH(ir::Tensor(ir::DataType::Float32, {int64_t{1} << 40, int64_t{1} << 40}),
                    Catch::Contains("too many elements"));
}
