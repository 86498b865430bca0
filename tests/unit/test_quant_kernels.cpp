// The optimised int8 Conv kernel (pair-packed product, direct depthwise,
// SIMD requantisation) against a naive scalar Conv with the documented
// arithmetic: exact int64 sums of (x - zx)·w + bias, FixedMultiplier::apply
// (round half away from zero), zy, clamp. Bit for bit, 1 and 2 threads.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <random>

#include "runtime/executor.h"
#include "runtime/kernels/helpers/qrequant_avx512.h"
#include "runtime/kernels/helpers/requant.h"

using namespace rknnc;
using runtime::kernels::FixedMultiplier;

namespace {

struct ConvCase {
  int64_t n, c, h, w, m, kh, kw, group, stride, pad, dil;
  bool per_channel, bias;
  std::string activation;  // "", "Relu" or "Clip" (0..6)
  int32_t zx, zy;
  float sy;           // output scale; the weight scales are 0.002..0.02
  int32_t bias_span;  // |bias| <= bias_span
  std::vector<int64_t> pads = {};  // overrides pad (top, left, bottom, right)
};

struct QConv {
  ir::Tensor x, w, b;
  std::vector<float> sw;
  float sx = 0.05f;
};

QConv random_conv(const ConvCase& t, std::mt19937& rng) {
  std::uniform_int_distribution<int> i8(-128, 127), w8(-127, 127);
  std::uniform_int_distribution<int32_t> bias(-t.bias_span, t.bias_span);
  std::uniform_real_distribution<float> scale(0.002f, 0.02f);
  QConv q;
  std::vector<int8_t> x(static_cast<size_t>(t.n * t.c * t.h * t.w)), w(static_cast<size_t>(t.m * t.c / t.group * t.kh * t.kw));
  for (auto& v : x) v = static_cast<int8_t>(i8(rng));
  for (auto& v : w) v = static_cast<int8_t>(w8(rng));
  std::vector<int32_t> b(static_cast<size_t>(t.m));
  for (auto& v : b) v = bias(rng);
  q.x = ir::Tensor::from<int8_t>({t.n, t.c, t.h, t.w}, x);
  q.w = ir::Tensor::from<int8_t>({t.m, t.c / t.group, t.kh, t.kw}, w);
  q.b = ir::Tensor::from<int32_t>({t.m}, b);
  q.sw.resize(t.per_channel ? static_cast<size_t>(t.m) : 1);
  for (auto& s : q.sw) s = scale(rng);
  return q;
}

std::vector<int64_t> case_pads(const ConvCase& t) { return t.pads.empty() ? std::vector<int64_t>(4, t.pad) : t.pads; }

int32_t quantize_bound(float v, float scale, int32_t zp) {
  return static_cast<int32_t>(std::clamp(std::nearbyint(v / static_cast<double>(scale)) + zp, -128.0, 127.0));
}

// The int8 Conv written out element by element.
std::vector<int8_t> naive_conv(const ConvCase& t, const QConv& q, int64_t oh, int64_t ow) {
  const auto pads = case_pads(t);
  const int64_t cg = t.c / t.group, mg = t.m / t.group;
  int32_t lo = -128, hi = 127;
  if (t.activation == "Relu") lo = std::max(lo, t.zy);
  if (t.activation == "Clip") lo = std::max(lo, quantize_bound(0.f, t.sy, t.zy)), hi = std::min(hi, quantize_bound(6.f, t.sy, t.zy));
  const int8_t* x = q.x.data<int8_t>();
  const int8_t* w = q.w.data<int8_t>();
  const int32_t* b = q.b.data<int32_t>();
  std::vector<int8_t> y;
  for (int64_t n = 0; n < t.n; ++n)
    for (int64_t o = 0; o < t.m; ++o) {
      const auto mult = FixedMultiplier::from_real(static_cast<double>(q.sx) * q.sw[q.sw.size() == 1 ? 0 : o] / t.sy);
      const int64_t g = o / mg;
      for (int64_t i = 0; i < oh; ++i)
        for (int64_t j = 0; j < ow; ++j) {
          int64_t acc = t.bias ? b[o] : 0;
          for (int64_t ci = 0; ci < cg; ++ci)
            for (int64_t a = 0; a < t.kh; ++a)
              for (int64_t e = 0; e < t.kw; ++e) {
                const int64_t yy = i * t.stride - pads[0] + a * t.dil, xx = j * t.stride - pads[1] + e * t.dil;
                if (yy < 0 || yy >= t.h || xx < 0 || xx >= t.w) continue;
                const int64_t xv = x[((n * t.c + g * cg + ci) * t.h + yy) * t.w + xx] - t.zx;
                acc += xv * w[((o * cg + ci) * t.kh + a) * t.kw + e];
              }
          y.push_back(static_cast<int8_t>(std::clamp<int64_t>(t.zy + mult.apply(acc), lo, hi)));
        }
    }
  return y;
}

ir::Tensor run_conv(const ConvCase& t, const QConv& q, runtime::ThreadPool& pool) {
  ir::Node node;
  node.name = "conv";
  node.op_type = "Conv";
  node.inputs = {"x", "w"};
  if (t.bias) node.inputs.push_back("b");
  node.outputs = {"y"};
  node.attrs.set("group", t.group);
  node.attrs.set("kernel_shape", std::vector<int64_t>{t.kh, t.kw});
  node.attrs.set("strides", std::vector<int64_t>{t.stride, t.stride});
  const auto pads = case_pads(t);
  node.attrs.set("pads", std::vector<int64_t>{pads[0], pads[1], pads[2], pads[3]});
  node.attrs.set("dilations", std::vector<int64_t>{t.dil, t.dil});
  if (!t.activation.empty()) node.attrs.set("activation", t.activation);
  if (t.activation == "Clip") {
    node.attrs.set("activation_min", 0.f);
    node.attrs.set("activation_max", 6.f);
  }
  std::map<std::string, ir::QuantParams> quant;
  quant["x"] = ir::QuantParams::per_tensor(q.sx, t.zx);
  quant["w"] = ir::QuantParams{ir::kAsymmetricInt8, t.per_channel ? 0 : -1, q.sw, {0}};
  quant["y"] = ir::QuantParams::per_tensor(t.sy, t.zy);
  std::vector<const ir::Tensor*> inputs{&q.x, &q.w};
  if (t.bias) inputs.push_back(&q.b);
  return runtime::Executor::run_node(node, inputs, pool, &quant)[0];
}

}  // namespace

TEST_CASE("int8 Conv matches the naive integer Conv bit for bit") {
  std::mt19937 rng(7);
  // n, c, h, w, m, kh, kw, group, stride, pad, dil, per_channel, bias, activation, zx, zy, sy, bias_span
  const ConvCase cases[] = {
      {1, 16, 7, 9, 24, 1, 1, 1, 1, 0, 1, true, false, "", 3, -5, 0.6f, 0},               // pointwise, P = 63
      {1, 13, 5, 5, 10, 1, 1, 1, 1, 0, 1, true, true, "Clip", -128, -128, 0.4f, 3000},    // odd K, M % 4 != 0
      {2, 24, 6, 6, 16, 1, 1, 1, 1, 0, 1, false, true, "Relu", 127, 0, 0.5f, 200},        // batch, per tensor
      {1, 40, 4, 4, 9, 1, 1, 1, 1, 0, 1, true, true, "", 0, 10, 0.02f, 1 << 30},          // bias beyond int32 sums
      {1, 5, 9, 11, 7, 3, 3, 1, 1, 1, 1, true, true, "", -3, 2, 0.3f, 500},               // 3x3 pad 1
      {1, 3, 17, 13, 16, 3, 3, 1, 2, 1, 1, true, true, "Clip", 12, -128, 0.2f, 100},      // stem: K = 27, stride 2
      {1, 40, 7, 8, 12, 3, 3, 1, 1, 0, 1, false, false, "", -60, 1, 2.f, 0},              // K = 360, no pad
      {1, 6, 11, 10, 8, 1, 1, 1, 2, 0, 1, true, true, "", 1, -1, 0.3f, 50},               // strided 1x1
      {1, 6, 9, 7, 5, 3, 2, 1, 1, 0, 1, true, true, "", 4, 0, 0.3f, 50, {1, 0, 2, 1}},   // asymmetric pads
      {1, 8, 9, 9, 12, 3, 3, 4, 1, 1, 1, true, true, "Relu", 5, -20, 0.2f, 100},          // grouped
      {1, 4, 8, 8, 8, 3, 3, 4, 2, 1, 1, false, true, "", -7, 9, 0.1f, 100},              // channel multiplier 2
      {1, 12, 13, 15, 12, 3, 3, 12, 1, 1, 1, true, true, "Clip", 8, -128, 0.05f, 200},    // depthwise s1
      {2, 9, 16, 16, 9, 3, 3, 9, 2, 1, 1, true, false, "Relu", -100, -128, 0.05f, 0},    // depthwise s2
      {1, 7, 15, 17, 7, 3, 3, 7, 2, 1, 1, false, true, "", 0, 0, 0.04f, 100},            // depthwise s2, odd sizes
      {1, 5, 12, 19, 5, 5, 5, 5, 1, 2, 1, true, true, "", 30, 3, 0.08f, 100},            // depthwise 5x5
      {1, 6, 10, 10, 6, 3, 3, 6, 1, 2, 2, true, true, "", -2, 4, 0.05f, 100},            // depthwise dilated
      {1, 6, 14, 14, 6, 3, 3, 6, 3, 1, 1, true, true, "", 2, 4, 0.05f, 100},             // depthwise stride 3
      {1, 4, 3, 3, 4, 3, 3, 4, 1, 1, 1, true, true, "", 2, 4, 0.05f, 100},               // depthwise 3x3 image
      {1, 5, 7, 40, 5, 3, 2, 5, 1, 0, 1, true, true, "", 9, -3, 0.05f, 100, {0, 1, 2, 0}},  // depthwise s1, 3x2, uneven pads
      {1, 3, 1, 70, 3, 1, 3, 3, 1, 1, 1, false, true, "Relu", -9, -128, 0.05f, 100},    // depthwise 1x3 on one row
      {1, 4, 33, 33, 4, 7, 7, 4, 1, 3, 1, true, false, "", 100, 7, 0.2f, 0},           // depthwise 7x7 s1
      {1, 8, 6, 6, 8, 3, 3, 8, 1, 1, 1, true, true, "", 0, 0, 1e-7f, 1000},              // saturating multiplier
      {1, 10, 5, 6, 12, 1, 1, 1, 1, 0, 1, true, true, "", 0, 0, 1e-7f, 1000},            // saturating, pointwise
  };
  runtime::ThreadPool one(1), two(2);
  for (const ConvCase& t : cases) {
    CAPTURE(t.n, t.c, t.h, t.w, t.m, t.kh, t.kw, t.group, t.stride, t.pad, t.dil, t.per_channel, t.bias, t.activation);
    const QConv q = random_conv(t, rng);
    const auto pads = case_pads(t);
    const int64_t oh = (t.h + pads[0] + pads[2] - (t.kh - 1) * t.dil - 1) / t.stride + 1;
    const int64_t ow = (t.w + pads[1] + pads[3] - (t.kw - 1) * t.dil - 1) / t.stride + 1;
    const ir::Tensor y1 = run_conv(t, q, one), y2 = run_conv(t, q, two);
    REQUIRE(y1.shape() == ir::Shape{t.n, t.m, oh, ow});
    const std::vector<int8_t> want = naive_conv(t, q, oh, ow);
    REQUIRE(y1.nbytes() == want.size());
    CHECK(std::memcmp(y1.raw(), want.data(), want.size()) == 0);
    CHECK(std::memcmp(y2.raw(), want.data(), want.size()) == 0);
  }
}

TEST_CASE("int8 Conv rounds exact halves away from zero") {
  // sx·sw/sy = 0.5: every odd sum is a tie.
  ConvCase t{1, 8, 5, 9, 8, 1, 1, 1, 1, 0, 1, false, false, "", 0, 0, 1.f, 0};
  std::mt19937 rng(11);
  QConv q = random_conv(t, rng);
  q.sx = 1.f, q.sw = {0.5f};
  runtime::ThreadPool pool(1);
  const ir::Tensor y = run_conv(t, q, pool);
  const std::vector<int8_t> want = naive_conv(t, q, t.h, t.w);
  REQUIRE(std::memcmp(y.raw(), want.data(), want.size()) == 0);
  t.kh = t.kw = 3, t.group = t.c, t.m = t.c, t.pad = 1;  // the depthwise path
  q = random_conv(t, rng);
  q.sx = 1.f, q.sw = {0.5f};
  const ir::Tensor yd = run_conv(t, q, pool);
  const std::vector<int8_t> want_d = naive_conv(t, q, t.h, t.w);
  REQUIRE(std::memcmp(yd.raw(), want_d.data(), want_d.size()) == 0);
}

TEST_CASE("branch-free round_shift equals round_shift") {
  std::mt19937_64 rng(3);
  std::uniform_int_distribution<int64_t> big(-(int64_t{1} << 61), int64_t{1} << 61);
  for (int shift = 0; shift <= 62; ++shift) {
    for (int64_t v = -300; v <= 300; ++v)
      REQUIRE(FixedMultiplier::round_shift_branchless(v, shift) == FixedMultiplier::round_shift(v, shift));
    for (int i = 0; i < 2000; ++i) {
      const int64_t v = big(rng);
      REQUIRE(FixedMultiplier::round_shift_branchless(v, shift) == FixedMultiplier::round_shift(v, shift));
    }
  }
}

TEST_CASE("AVX-512 requantisation of narrow and wide channels matches the scalar formula", "[quant]") {
  using namespace runtime::kernels;
  if (quad_isa() != QuadIsa::Vnni) return;  // this machine has no AVX-512 path to compare
  std::mt19937 rng(17);
  std::uniform_int_distribution<int32_t> zy(-128, 127);  // folded into the rounding for shifts 32..54
  for (int shift : {0, 1, 2, 15, 31, 32, 36, 45, 54, 55}) {
    for (bool narrow : {true, false}) {
      RequantPlan plan;
      plan.zy = zy(rng);
      plan.clamp = narrow ? OutputClamp{plan.zy, 127} : OutputClamp{};  // a fused Relu on the narrow channels
      ChannelRequant ch;
      ch.mult.shift = shift;
      ch.mult.mantissa = shift == 0 ? 1 : (int64_t{1} << 30) + 12345;
      // narrow: |acc + bias| · mantissa / 2^shift stays below 2^30
      const int64_t span = narrow && shift + 29 < 62
                               ? std::min<int64_t>(INT32_MAX / 2, (int64_t{1} << (shift + 29)) / ch.mult.mantissa)
                               : INT32_MAX / 2;
      std::uniform_int_distribution<int64_t> v(-span, span);
      ch.bias = static_cast<int32_t>(v(rng) / 2);
      ch.narrow = narrow;
      plan.channel = {ch};
      for (int64_t n : {1, 7, 16, 17, 40, 100}) {
        std::vector<int32_t> acc(static_cast<size_t>(n));
        for (auto& a : acc) a = static_cast<int32_t>(v(rng) / 2);
        if (shift > 0) acc[0] = static_cast<int32_t>(((int64_t{1} << (shift - 1)) / ch.mult.mantissa) - ch.bias);  // near a half
        std::vector<int8_t> got(static_cast<size_t>(n)), want(static_cast<size_t>(n));
        requant_row_on(QuadIsa::Vnni, plan, 0, acc.data(), n, got.data());
        for (int64_t i = 0; i < n; ++i) want[i] = plan.clamp(plan.zy + ch.mult.apply(int64_t{acc[i]} + ch.bias));
        INFO("shift " << shift << " narrow " << narrow << " n " << n);
        REQUIRE(got == want);
      }
    }
  }
}

struct AddCase {
  ir::Shape a, b;
  float sa, sb, sy;
  int32_t za, zb, zy;
  std::string activation;
};

// Add or Sub of random int8 operands against the shared-shift formula.
void check_add(const AddCase& t, const std::string& op, std::mt19937& rng, runtime::ThreadPool& pool) {
  using runtime::kernels::SharedMultipliers;
  std::uniform_int_distribution<int> i8(-128, 127);
  std::vector<int8_t> a(static_cast<size_t>(ir::shape_numel(t.a))), b(static_cast<size_t>(ir::shape_numel(t.b)));
  for (auto& v : a) v = static_cast<int8_t>(i8(rng));
  for (auto& v : b) v = static_cast<int8_t>(i8(rng));
  const ir::Tensor ta = ir::Tensor::from<int8_t>(t.a, a), tb = ir::Tensor::from<int8_t>(t.b, b);
  ir::Node node;
  node.name = "add";
  node.op_type = op;
  node.inputs = {"a", "b"};
  node.outputs = {"y"};
  if (!t.activation.empty()) node.attrs.set("activation", t.activation);
  std::map<std::string, ir::QuantParams> quant{{"a", ir::QuantParams::per_tensor(t.sa, t.za)},
                                               {"b", ir::QuantParams::per_tensor(t.sb, t.zb)},
                                               {"y", ir::QuantParams::per_tensor(t.sy, t.zy)}};
  const ir::Tensor y = runtime::Executor::run_node(node, {&ta, &tb}, pool, &quant)[0];
  const double sy = t.sy, sign = op == "Sub" ? -1.0 : 1.0;
  const auto m = SharedMultipliers::from_real({t.sa / sy, sign * t.sb / sy});
  const int32_t lo = t.activation == "Relu" ? std::max(-128, t.zy) : -128;
  const int64_t inner = ir::shape_numel(t.b) == ir::shape_numel(t.a) ? 1 : t.a[2] * t.a[3];
  REQUIRE(y.numel() == static_cast<int64_t>(a.size()));
  for (size_t i = 0; i < a.size(); ++i) {
    const int8_t bv = b[inner == 1 ? i : i / static_cast<size_t>(inner)];
    const int64_t sum = (a[i] - t.za) * m.mantissa[0] + (bv - t.zb) * m.mantissa[1];
    const auto want = static_cast<int8_t>(std::clamp<int64_t>(t.zy + FixedMultiplier::round_shift(sum, m.shift), lo, 127));
    INFO(op << " element " << i << " of " << a.size() << ", shift " << m.shift);
    REQUIRE(int{y.data<int8_t>()[i]} == int{want});
  }
}

TEST_CASE("int8 Add matches the shared-shift formula bit for bit") {
  std::mt19937 rng(5);
  const AddCase cases[] = {
      {{1, 24, 13, 11}, {1, 24, 13, 11}, 0.05f, 0.08f, 0.1f, -3, 7, 2, ""},
      {{2, 5, 7}, {2, 5, 7}, 0.5f, 0.5f, 1.f, 0, 0, 0, "Relu"},  // exact halves
      {{1, 8, 6, 6}, {1, 8, 1, 1}, 0.02f, 0.3f, 0.05f, 127, -128, -10, "Relu"},
      // 64 a step and the tail; exact halves; scale ratios of 1e-6 (shift 49) and 3e4 (shift 15): the 8-lane loop
      {{1, 3, 61, 7}, {1, 3, 61, 7}, 0.031f, 0.017f, 0.023f, -128, 127, -128, ""},
      {{1, 1, 1, 4099}, {1, 1, 1, 4099}, 0.2f, 0.2f, 0.4f, 5, -5, 0, ""},
      {{1, 2, 32, 32}, {1, 2, 32, 32}, 1e-6f, 0.9f, 1.f, 127, 127, 127, "Relu"},
      {{1, 2, 32, 32}, {1, 2, 32, 32}, 3000.f, 1.f, 0.1f, -128, -128, 0, ""},
  };
  runtime::ThreadPool pool(2);
  for (const AddCase& t : cases) check_add(t, "Add", rng, pool);
}

TEST_CASE("int8 Add and Sub of same-shape operands match the formula for random scales and zero points", "[quant]") {
  std::mt19937 rng(17);
  std::uniform_int_distribution<int> z(-128, 127), len(1, 700);
  std::uniform_real_distribution<float> log_scale(-6.f, 1.f);
  runtime::ThreadPool pool(2);
  for (int k = 0; k < 300; ++k) {
    const ir::Shape shape{1, len(rng)};
    const AddCase t{shape, shape, std::exp(log_scale(rng)), std::exp(log_scale(rng)), std::exp(log_scale(rng)), z(rng),
                    z(rng), z(rng), k % 3 == 0 ? "Relu" : ""};
    check_add(t, k % 2 ? "Sub" : "Add", rng, pool);
  }
}

TEST_CASE("int8 Mul matches FixedMultiplier::apply bit for bit") {
  std::mt19937 rng(9);
  std::uniform_int_distribution<int> i8(-128, 127);
  std::vector<int8_t> a(4 * 9 * 7), b(a.size());
  for (auto& v : a) v = static_cast<int8_t>(i8(rng));
  for (auto& v : b) v = static_cast<int8_t>(i8(rng));
  const ir::Tensor ta = ir::Tensor::from<int8_t>({1, 4, 9, 7}, a), tb = ir::Tensor::from<int8_t>({1, 4, 9, 7}, b);
  ir::Node node;
  node.name = "mul";
  node.op_type = "Mul";
  node.inputs = {"a", "b"};
  node.outputs = {"y"};
  const float sa = 0.03f, sb = 0.5f, sy = 0.02f;
  const int32_t za = -20, zb = 100, zy = 3;
  std::map<std::string, ir::QuantParams> quant{{"a", ir::QuantParams::per_tensor(sa, za)},
                                               {"b", ir::QuantParams::per_tensor(sb, zb)},
                                               {"y", ir::QuantParams::per_tensor(sy, zy)}};
  runtime::ThreadPool pool(2);
  const ir::Tensor y = runtime::Executor::run_node(node, {&ta, &tb}, pool, &quant)[0];
  const auto m = FixedMultiplier::from_real(static_cast<double>(sa) * sb / sy);
  for (size_t i = 0; i < a.size(); ++i) {
    const auto want = static_cast<int8_t>(std::clamp<int64_t>(zy + m.apply((a[i] - za) * (b[i] - zb)), -128, 127));
    REQUIRE(int{y.data<int8_t>()[i]} == int{want});
  }
}

// A per-channel operand (a BatchNormalization no Conv absorbed, as Mul and
// Add) takes the ops' vector loop for the broadcast rows: the same bytes as
// the scalar formulas, with the constant first or second, rows of 7 to 667
// values, and Add's fused Relu.
TEST_CASE("int8 Mul / Add against a per-channel operand match the scalar formulas", "[quant]") {
  using runtime::kernels::SharedMultipliers;
  std::mt19937 rng(17);
  std::uniform_int_distribution<int> i8(-128, 127);
  runtime::ThreadPool pool(2);
  const float sx = 0.04f, sc = 0.7f, sy = 0.05f;
  const int32_t zx = -7, zc = 90, zy = -4;
  for (const std::string op : {"Mul", "Add"})
    for (const bool constant_first : {false, true})
      for (const ir::Shape& spatial : {ir::Shape{1, 7}, ir::Shape{23, 29}, ir::Shape{9, 9}}) {
        const int64_t c = 5, plane = spatial[0] * spatial[1];
        std::vector<int8_t> x(static_cast<size_t>(c * plane)), k(static_cast<size_t>(c));
        for (auto& v : x) v = static_cast<int8_t>(i8(rng));
        for (auto& v : k) v = static_cast<int8_t>(i8(rng));
        k[0] = -128, k[1] = 127;
        const ir::Tensor tx = ir::Tensor::from<int8_t>({1, c, spatial[0], spatial[1]}, x);
        const ir::Tensor tk = ir::Tensor::from<int8_t>({1, c, 1, 1}, k);
        ir::Node node;
        node.name = "n", node.op_type = op, node.inputs = {"a", "b"}, node.outputs = {"y"};
        if (op == "Add") node.attrs.set("activation", std::string("Relu"));
        const float sa = constant_first ? sc : sx, sb = constant_first ? sx : sc;
        const int32_t za = constant_first ? zc : zx, zb = constant_first ? zx : zc;
        std::map<std::string, ir::QuantParams> quant{{"a", ir::QuantParams::per_tensor(sa, za)},
                                                     {"b", ir::QuantParams::per_tensor(sb, zb)},
                                                     {"y", ir::QuantParams::per_tensor(sy, zy)}};
        const std::vector<const ir::Tensor*> args = constant_first ? std::vector<const ir::Tensor*>{&tk, &tx}
                                                                   : std::vector<const ir::Tensor*>{&tx, &tk};
        const ir::Tensor y = runtime::Executor::run_node(node, args, pool, &quant)[0];
        const auto mm = FixedMultiplier::from_real(static_cast<double>(sa) * sb / sy);
        const auto ma = SharedMultipliers::from_real({sa / static_cast<double>(sy), sb / static_cast<double>(sy)});
        CAPTURE(op, constant_first, spatial[0], spatial[1]);
        for (int64_t i = 0; i < c * plane; ++i) {
          const int8_t xv = x[static_cast<size_t>(i)], kv = k[static_cast<size_t>(i / plane)];
          const int8_t av = constant_first ? kv : xv, bv = constant_first ? xv : kv;
          int64_t want = 0;
          if (op == "Mul") {
            want = std::clamp<int64_t>(zy + mm.apply((av - za) * (bv - zb)), -128, 127);
          } else {
            const int64_t sum = (av - za) * ma.mantissa[0] + (bv - zb) * ma.mantissa[1];
            want = std::clamp<int64_t>(zy + FixedMultiplier::round_shift(sum, ma.shift), std::max(-128, zy), 127);
          }
          REQUIRE(int{y.data<int8_t>()[i]} == want);
        }
      }
}
