// InstanceNormalization and GroupNormalization against a direct reference, and
// the activations whose node tests are below the frontend opset range
// (libonnx-testdata has InstanceNormalization only at opset 6, below the
// frontend's range, and no GroupNormalization at all).
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "runtime/executor.h"
#include "util/error.h"

using namespace rknnc;

// Named, not anonymous: the unity build of make test joins this file with
// test_kernels.cpp, whose anonymous namespace has a random_norm_input too.
namespace norm_test {

ir::Node node(const std::string& op, size_t inputs) {
  ir::Node n{"n", op, "", {}, {"y"}, {}};
  for (size_t i = 0; i < inputs; ++i) n.inputs.push_back("i" + std::to_string(i));
  return n;
}

ir::Tensor random_norm_input(ir::Shape shape, std::mt19937& rng) {
  std::uniform_real_distribution<float> dist(-2.0f, 2.0f);
  std::vector<float> v(static_cast<size_t>(ir::shape_numel(shape)));
  for (auto& x : v) x = dist(rng);
  return ir::Tensor::from<float>(std::move(shape), v);
}

// Direct group normalisation of [N, C, S]: scale/bias per channel of value c / per_value.
std::vector<float> reference(const ir::Tensor& x, int64_t groups, const ir::Tensor& scale, const ir::Tensor& bias,
                             int64_t per_value, float eps) {
  const int64_t n = x.shape()[0], c = x.shape()[1], s = x.shape()[2], cg = c / groups;
  std::vector<float> y(static_cast<size_t>(x.numel()));
  const float* px = x.data<float>();
  for (int64_t b = 0; b < n; ++b)
    for (int64_t g = 0; g < groups; ++g) {
      const float* p = px + (b * c + g * cg) * s;
      double mean = 0, var = 0;
      for (int64_t i = 0; i < cg * s; ++i) mean += p[i];
      mean /= static_cast<double>(cg * s);
      for (int64_t i = 0; i < cg * s; ++i) var += (p[i] - mean) * (p[i] - mean);
      var /= static_cast<double>(cg * s);
      for (int64_t i = 0; i < cg * s; ++i) {
        const int64_t ch = g * cg + i / s;
        const auto k = static_cast<size_t>(ch / per_value);
        y[static_cast<size_t>((b * c + g * cg) * s + i)] =
            static_cast<float>((p[i] - mean) / std::sqrt(var + eps)) * scale.values<float>()[k] + bias.values<float>()[k];
      }
    }
  return y;
}

void check_close(const ir::Tensor& got, const std::vector<float>& want) {
  REQUIRE(got.numel() == static_cast<int64_t>(want.size()));
  for (size_t i = 0; i < want.size(); ++i) CHECK(got.values<float>()[i] == Approx(want[i]).margin(1e-5));
}

}  // namespace norm_test

using namespace norm_test;

TEST_CASE("InstanceNormalization normalises each (n, c) plane", "[kernels][norm]") {
  std::mt19937 rng(7);
  runtime::ThreadPool pool(2);
  const ir::Tensor x = random_norm_input({2, 3, 10}, rng), scale = random_norm_input({3}, rng), bias = random_norm_input({3}, rng);
  ir::Node n = node("InstanceNormalization", 3);
  n.attrs.set("epsilon", 1e-3f);
  check_close(runtime::Executor::run_node(n, {&x, &scale, &bias}, pool)[0], reference(x, 3, scale, bias, 1, 1e-3f));
  const ir::Tensor short_scale = random_norm_input({2}, rng);
  CHECK_THROWS_AS(runtime::Executor::run_node(n, {&x, &short_scale, &bias}, pool), Error);
}

TEST_CASE("GroupNormalization takes per-channel (opset 21) and per-group (opset 18) scale", "[kernels][norm]") {
  std::mt19937 rng(8);
  runtime::ThreadPool pool(2);
  const ir::Tensor x = random_norm_input({2, 6, 5}, rng);
  ir::Node n = node("GroupNormalization", 3);
  n.attrs.set("num_groups", int64_t{3});
  const ir::Tensor channel_scale = random_norm_input({6}, rng), channel_bias = random_norm_input({6}, rng);
  check_close(runtime::Executor::run_node(n, {&x, &channel_scale, &channel_bias}, pool)[0],
              reference(x, 3, channel_scale, channel_bias, 1, 1e-5f));
  const ir::Tensor group_scale = random_norm_input({3}, rng), group_bias = random_norm_input({3}, rng);
  check_close(runtime::Executor::run_node(n, {&x, &group_scale, &group_bias}, pool)[0],
              reference(x, 3, group_scale, group_bias, 2, 1e-5f));
  n.attrs.set("num_groups", int64_t{4});
  CHECK_THROWS_AS(runtime::Executor::run_node(n, {&x, &channel_scale, &channel_bias}, pool), Error);
}

// Elu, Selu and Softplus node tests import opset 1 / 6, below the frontend's range;
// Mish has none.
TEST_CASE("Elu, Selu, Softplus and Mish values", "[kernels]") {
  runtime::ThreadPool pool(1);
  const auto x = ir::Tensor::from<float>({3}, {-1.f, 0.f, 2.f});
  auto run = [&](const std::string& op, std::initializer_list<std::pair<const char*, float>> attrs) {
    ir::Node n = node(op, 1);
    for (const auto& [k, v] : attrs) n.attrs.set(k, v);
    return runtime::Executor::run_node(n, {&x}, pool)[0].to_float_vector();
  };
  const auto elu = run("Elu", {{"alpha", 2.f}});
  CHECK(elu[0] == Approx(2.f * (std::exp(-1.f) - 1.f)));
  CHECK(elu[2] == 2.f);
  const auto selu = run("Selu", {{"alpha", 2.f}, {"gamma", 3.f}});
  CHECK(selu[0] == Approx(3.f * 2.f * (std::exp(-1.f) - 1.f)));
  CHECK(selu[2] == Approx(6.f));
  const auto softplus = run("Softplus", {});
  CHECK(softplus[0] == Approx(std::log(1.f + std::exp(-1.f))));
  CHECK(softplus[1] == Approx(std::log(2.f)));
  const auto mish = run("Mish", {});  // opset 18: no node test in libonnx-testdata 1.12
  CHECK(mish[0] == Approx(-std::tanh(std::log1p(std::exp(-1.f)))));
  CHECK(mish[2] == Approx(2.f * std::tanh(std::log1p(std::exp(2.f)))));
}
