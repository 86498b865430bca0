#include <catch2/catch.hpp>

#include <limits>

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
