// The float16 simulation holding half values in floats: every kernel that
// rounds its own outputs to float16 (gemm tiles, depthwise blocks, element-
// wise pieces, ir::round_to_halves) must give, bit for bit, the unrounded
// result rounded afterwards by the scalar routines (util/half.h), NaN, inf,
// overflow and subnormal halves included, on every instruction set.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "ir/convert_float.h"
#include "runtime/kernel.h"
#include "runtime/kernels/helpers/depthwise_f32.h"
#include "runtime/kernels/helpers/fused_activation.h"
#include "runtime/kernels/helpers/packed_gemm.h"
#include "util/half.h"
#include "random_floats.h"
#include "usable_isas.h"

using namespace rknnc;
using runtime::FusedActivation;
using runtime::Isa;

namespace {

std::vector<float> rounded_by_scalar(std::vector<float> v) {
  for (float& x : v) x = half_to_float(float_to_half(x));
  return v;
}

bool same_bits(const std::vector<float>& a, const float* b) {
  return std::memcmp(a.data(), b, a.size() * sizeof(float)) == 0;
}

// Values whose rounding is easy to get wrong: NaNs with payloads (quiet and
// signalling, both signs), infinities, the half range's edge and its
// overflow, half subnormals and their ties, zeros of both signs.
std::vector<float> awkward_floats() {
  std::vector<float> v = {0.0f, -0.0f, 65504.0f, 65519.0f, 65520.0f, -65536.0f, 1e30f, -1e-30f,
                          std::ldexp(1.0f, -24), std::ldexp(1.0f, -25), std::ldexp(3.0f, -26), std::ldexp(1.0f, -14),
                          std::ldexp(1023.0f, -24), 1.0f + std::ldexp(1.0f, -11), 1.0f + std::ldexp(3.0f, -11),
                          std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity()};
  for (uint32_t bits : {0x7fc00000u, 0xffc12345u, 0x7f800001u, 0xff8fffffu, 0x7fffe000u})
    v.push_back(std::bit_cast<float>(bits));
  return v;
}

// A fused activation, or none, with or without the rounding.
FusedActivation activation(const std::string& name, bool to_half) {
  ir::Attributes attrs;
  if (!name.empty()) attrs.set("activation", name);
  if (name == "Clip") attrs.set("activation_min", 0.0f), attrs.set("activation_max", 6.0f);
  FusedActivation act = runtime::fused_activation_of(attrs);
  act.to_half = to_half;
  return act;
}

const char* const kActivations[] = {"", "Relu", "Clip", "SiLU"};

// Runs `op` on the registry's float32 kernel with and without round_to_half;
// the rounded run must say so and equal the other rounded by the scalar routine.
void check_kernel_rounds(const ir::Node& node, const std::vector<const ir::Tensor*>& inputs,
                         runtime::ThreadPool& pool) {
  const auto* entry = runtime::KernelRegistry::instance().lookup(node.op_type, ir::DataType::Float32);
  REQUIRE(entry);
  runtime::KernelContext plain{node, inputs, std::vector<ir::Tensor>(1), pool};
  entry->fn(plain);
  runtime::KernelContext rounded{node, inputs, std::vector<ir::Tensor>(1), pool};
  rounded.round_to_half = true;
  entry->fn(rounded);
  REQUIRE(rounded.rounded_to_half);
  const ir::Tensor& y = plain.outputs[0];
  const std::vector<float> want = rounded_by_scalar({y.data<float>(), y.data<float>() + y.numel()});
  REQUIRE(same_bits(want, rounded.outputs[0].data<float>()));
}

}  // namespace

TEST_CASE("round_to_halves equals the scalar round trip on awkward and random values", "[kernels][fp32][fp16]") {
  std::mt19937 rng(5);
  std::vector<float> v = awkward_floats();
  for (float x : random_floats(1000, rng)) v.push_back(x * std::ldexp(1.0f, static_cast<int>(rng() % 60) - 30));
  for (size_t n : {size_t{1}, size_t{7}, size_t{8}, size_t{23}, v.size()}) {
    CAPTURE(n);
    std::vector<float> got(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n));
    ir::round_to_halves(got.data(), static_cast<int64_t>(n));
    REQUIRE(same_bits(rounded_by_scalar({v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n)}), got.data()));
  }
}

TEST_CASE("gemm tiles round to float16 before the store as a pass would, on every ISA", "[kernels][fp32][fp16]") {
  using namespace runtime::kernels;
  std::mt19937 rng(51);
  runtime::ThreadPool two(2);
  const std::vector<float> odd = awkward_floats();
  for (const int64_t m : {13, 24})
    for (const int64_t k : {5, 300})
      for (const char* name : kActivations) {
        const int64_t n = 70;  // one 48-wide tile, one 16-wide, a 6-wide rest
        std::vector<float> a = random_floats(static_cast<size_t>(m * k), rng),
                           b = random_floats(static_cast<size_t>(k * n), rng),
                           bias = random_floats(static_cast<size_t>(m), rng);
        for (int64_t p = 0; p < k; ++p) a[static_cast<size_t>(4 * k + p)] *= 1e-6f;  // row 4: half subnormals
        bias[4] = 0.0f;
        for (size_t j = 0; j < odd.size(); ++j) b[j] = odd[j];  // k row 0: NaN, inf and overflow reach every row
        const FusedActivation unrounded = activation(name, false), act = activation(name, true);
        CAPTURE(m, k, name);
        for (Isa isa : usable_fp32_isas()) {
          CAPTURE(runtime::isa_name(isa));
          const AMatrix am = a_matrix(a.data(), m, k, k, false, isa);
          std::vector<float> want(static_cast<size_t>(m * n), 0.0f), got(want.size(), 1e30f);
          gemm_packed(am, BMatrix(b.data(), n, false), n, want.data(), n, &two,
                      GemmEpilogue{true, bias.data(), unrounded ? &unrounded : nullptr});
          gemm_packed(am, BMatrix(b.data(), n, false), n, got.data(), n, &two, GemmEpilogue{true, bias.data(), &act});
          REQUIRE(same_bits(rounded_by_scalar(want), got.data()));
        }
      }
}

TEST_CASE("depthwise blocks round to float16 before the store as a pass would, on every ISA", "[kernels][fp32][fp16]") {
  using namespace runtime::kernels;
  std::mt19937 rng(53);
  Window win;
  win.rank = 2, win.in = {1, 9, 21}, win.out = {1, 9, 21}, win.kernel = {1, 3, 3};
  win.pad_begin = {0, 1, 1}, win.pad_end = {0, 1, 1};
  const int64_t channels = 19;  // a partial channel block on every vector width
  std::vector<float> x = random_floats(static_cast<size_t>(channels * win.in_size()), rng),
                     w = random_floats(static_cast<size_t>(channels * 9), rng),
                     b = random_floats(static_cast<size_t>(channels), rng);
  const std::vector<float> odd = awkward_floats();
  for (size_t j = 0; j < odd.size(); ++j) x[j * 7] = odd[j];
  for (int64_t i = 0; i < win.in_size(); ++i) x[static_cast<size_t>(3 * win.in_size() + i)] *= 1e-6f;
  b[3] = 0.0f;  // channel 3: half subnormals
  for (const char* name : kActivations) {
    const FusedActivation unrounded = activation(name, false), act = activation(name, true);
    CAPTURE(name);
    for (Isa isa : usable_fp32_isas()) {
      CAPTURE(runtime::isa_name(isa));
      std::vector<float> want(static_cast<size_t>(channels * win.out_size())), got(want.size(), 1e30f);
      depthwise_conv_f32(x.data(), w.data(), b.data(), win, want.data(), 0, channels, isa, &unrounded);
      depthwise_conv_f32(x.data(), w.data(), b.data(), win, got.data(), 0, channels, isa, &act);
      REQUIRE(same_bits(rounded_by_scalar(want), got.data()));
    }
  }
}

TEST_CASE("Conv rounds its own outputs to float16 when asked, on every layout path", "[kernels][fp32][fp16]") {
  std::mt19937 rng(57);
  runtime::ThreadPool two(2);
  struct Case {
    int64_t c, h, w, m, k, group, stride, pad;
  };
  const Case cases[] = {
      {16, 20, 20, 40, 1, 1, 1, 0},   // 1x1: B read in place
      {70, 7, 7, 96, 1, 1, 1, 0},     // 1x1 on 7x7: pixel rows (the transposed gemm)
      {8, 30, 32, 24, 3, 1, 1, 1},    // 3x3: padded phases, rows of whole vectors
      {8, 29, 31, 20, 3, 1, 2, 1},    // 3x3 stride 2: padded phases in bands
      {5, 7, 7, 11, 7, 1, 1, 3},      // 7x7 on 7x7: im2col panels
      {24, 14, 14, 24, 3, 24, 1, 1},  // depthwise
      {12, 9, 9, 18, 3, 3, 1, 1},     // grouped
  };
  for (const Case& t : cases) {
    CAPTURE(t.c, t.h, t.w, t.m, t.k, t.group, t.stride);
    ir::Tensor x =
        ir::Tensor::from<float>({1, t.c, t.h, t.w}, random_floats(static_cast<size_t>(t.c * t.h * t.w), rng));
    const std::vector<float> odd = awkward_floats();
    for (size_t j = 0; j < odd.size(); ++j) x.data<float>()[j * 3] = odd[j] * (j % 2 ? 1.0f : 1e-6f);
    ir::Tensor w = ir::Tensor::from<float>({t.m, t.c / t.group, t.k, t.k},
                                           random_floats(static_cast<size_t>(t.m * t.c / t.group * t.k * t.k), rng));
    ir::Tensor b = ir::Tensor::from<float>({t.m}, random_floats(static_cast<size_t>(t.m), rng));
    for (const char* name : kActivations) {
      CAPTURE(name);
      ir::Node node;
      node.name = "conv", node.op_type = "Conv", node.inputs = {"x", "w", "b"}, node.outputs = {"y"};
      node.attrs.set("group", t.group);
      node.attrs.set("strides", std::vector<int64_t>{t.stride, t.stride});
      node.attrs.set("pads", std::vector<int64_t>{t.pad, t.pad, t.pad, t.pad});
      if (*name) node.attrs.set("activation", std::string(name));
      if (std::string(name) == "Clip") node.attrs.set("activation_max", 6.0f);
      check_kernel_rounds(node, {&x, &w, &b}, two);
    }
  }
}

TEST_CASE("element-wise kernels round each piece to float16 when asked", "[kernels][fp32][fp16]") {
  std::mt19937 rng(59);
  runtime::ThreadPool two(2);
  const std::vector<std::pair<ir::Shape, ir::Shape>> shapes = {
      {{3, 40000}, {1, 40000}},     // pieces of 16k and chunks of 2k, a short last one
      {{2, 3, 50, 60}, {3, 1, 1}},  // a value per channel
      {{5, 7}, {5, 7}}};
  for (const auto& [sa, sb] : shapes)
    for (const std::string op : {"Add", "Mul", "Sub"}) {
      CAPTURE(op, ir::shape_str(sa), ir::shape_str(sb));
      ir::Tensor a = ir::Tensor::from<float>(sa, random_floats(static_cast<size_t>(ir::shape_numel(sa)), rng));
      ir::Tensor b = ir::Tensor::from<float>(sb, random_floats(static_cast<size_t>(ir::shape_numel(sb)), rng));
      const std::vector<float> odd = awkward_floats();
      for (size_t j = 0; j < odd.size() && j < static_cast<size_t>(a.numel()); ++j) a.data<float>()[j] = odd[j];
      ir::Node node;
      node.name = "n", node.op_type = op, node.inputs = {"a", "b"}, node.outputs = {"y"};
      check_kernel_rounds(node, {&a, &b}, two);
      if (op != "Add") continue;
      node.attrs.set("activation", std::string("Relu"));  // a fused activation first, then the rounding
      check_kernel_rounds(node, {&a, &b}, two);
      ir::Node sigmoid;
      sigmoid.name = "s", sigmoid.op_type = "Sigmoid", sigmoid.inputs = {"a"}, sigmoid.outputs = {"y"};
      check_kernel_rounds(sigmoid, {&a}, two);
    }
}
