// The strided transpose on every instruction set, and the pixel-rows conv
// (small output planes as the transposed gemm) with a fused activation.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>

#include "runtime/cpu_features.h"
#include "runtime/kernels/helpers/fused_activation.h"
#include "runtime/kernels/helpers/packed_gemm.h"
#include "runtime/kernels/helpers/pixel_rows_conv.h"
#include "runtime/kernels/helpers/transpose_f32.h"
#include "random_floats.h"
#include "usable_isas.h"

using namespace rknnc;
using runtime::Isa;

TEST_CASE("strided fp32 transpose moves every element on every ISA and thread count", "[kernels][fp32]") {
  using runtime::kernels::transpose_f32;
  std::mt19937 rng(61);
  runtime::ThreadPool two(2);
  // around the 8 x 8 and 16 x 16 register blocks, with row strides past the widths
  for (const int64_t rows : {1, 7, 8, 9, 16, 17, 49})
    for (const int64_t cols : {1, 8, 15, 16, 33, 100}) {
      const int64_t lds = cols + 3, ldd = rows + 5;
      const auto src = random_floats(static_cast<size_t>(rows * lds), rng);
      std::vector<float> want(static_cast<size_t>(cols * ldd), -7.0f);
      for (int64_t i = 0; i < rows; ++i)
        for (int64_t j = 0; j < cols; ++j) want[static_cast<size_t>(j * ldd + i)] = src[static_cast<size_t>(i * lds + j)];
      for (Isa isa : usable_fp32_isas())
        for (runtime::ThreadPool* pool : {static_cast<runtime::ThreadPool*>(nullptr), &two}) {
          CAPTURE(rows, cols, runtime::isa_name(isa), pool != nullptr);
          std::vector<float> got(want.size(), -7.0f);  // the gaps between rows stay untouched
          transpose_f32(src.data(), rows, cols, lds, got.data(), ldd, isa, pool);
          REQUIRE(std::memcmp(got.data(), want.data(), want.size() * sizeof(float)) == 0);
        }
    }
}

TEST_CASE("pixel-rows conv with a fused activation equals the conv then the activation on every ISA",
          "[kernels][fp32]") {
  using namespace runtime::kernels;
  std::mt19937 rng(67);
  runtime::ThreadPool two(2);
  Window win;
  win.rank = 2;
  win.in = win.out = {1, 7, 7};  // 1x1, stride 1: 49 pixels (the path runs on any plane it is given)
  const int64_t cin = 40, channels = 96;
  auto x = random_floats(static_cast<size_t>(cin * 49), rng), w = random_floats(static_cast<size_t>(channels * cin), rng),
       bias = random_floats(static_cast<size_t>(channels), rng);
  x[3] = std::nanf(""), x[60] = -0.0f;  // NaN and -0 reach some outputs
  for (size_t i = 0; i < bias.size(); i += 5) bias[i] = 6.0f;
  const std::vector<float> wt = pixel_rows_weights(w.data(), channels, cin);
  const std::vector<std::vector<std::pair<std::string, float>>> activations = {
      {{"Relu", 0}}, {{"Clip", 0}, {"activation_min", 0.0f}, {"activation_max", 6.0f}},
      {{"LeakyRelu", 0}, {"activation_alpha", 0.1f}}};
  for (const auto& spec : activations) {
    ir::Attributes attrs;
    attrs.set("activation", spec[0].first);
    for (size_t i = 1; i < spec.size(); ++i) attrs.set(spec[i].first, spec[i].second);
    const runtime::FusedActivation act = runtime::fused_activation_of(attrs);
    for (Isa isa : usable_fp32_isas()) {
      CAPTURE(spec[0].first, runtime::isa_name(isa));
      std::vector<float> want(static_cast<size_t>(channels * 49)), got(want.size(), 1e30f);
      conv_pixel_rows(x.data(), cin, win, true, wt, channels, bias.data(), nullptr, want.data(), two, isa);
      act.apply(want.data(), static_cast<int64_t>(want.size()));
      conv_pixel_rows(x.data(), cin, win, true, wt, channels, bias.data(), &act, got.data(), two, isa);
      REQUIRE(std::memcmp(got.data(), want.data(), want.size() * sizeof(float)) == 0);
    }
  }
}
