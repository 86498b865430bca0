// The fast int8 Conv and Gemm (quad product on AVX2 and AVX-512 VNNI) against
// the reference kernels, byte for byte, on random shapes: odd channel counts,
// strides, dilations, groups, asymmetric padding, depthwise, 1x1, per-channel
// and per-tensor weights, any zero point, and inputs / weights pinned at
// -128 / 127 (where pmaddubsw would saturate). 1 and 2 threads.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "runtime/cpu_features.h"
#include "runtime/executor.h"
#include "runtime/kernels/quant/q8_kernels.h"

using namespace rknnc;
using runtime::kernels::QuadIsa;

namespace quad_test {

// The quad paths this CPU (and RKNNC_ISA) can run.
std::vector<QuadIsa> fast_isas() {
  std::vector<QuadIsa> out;
  const QuadIsa best = runtime::kernels::quad_isa();
  if (best == QuadIsa::Avx2 || best == QuadIsa::Vnni) out.push_back(QuadIsa::Avx2);
  if (best == QuadIsa::Vnni) out.push_back(QuadIsa::Vnni);
  return out;
}

// Values in -128..127 except with probability `extreme`, then -128 or 127.
std::vector<int8_t> random_int8(size_t n, std::mt19937& rng, double extreme) {
  std::uniform_int_distribution<int> any(-128, 127);
  std::bernoulli_distribution pick(extreme), high(0.5);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = static_cast<int8_t>(pick(rng) ? (high(rng) ? 127 : -128) : any(rng));
  return v;
}

struct QuantNode {
  ir::Node node;
  std::vector<ir::Tensor> tensors;  // inputs, in node order
  std::map<std::string, ir::QuantParams> quant;
};

using KernelFn = void (*)(runtime::KernelContext&);  // a path

ir::Tensor run(const QuantNode& q, runtime::ThreadPool& pool, const std::function<void(runtime::KernelContext&)>& fn) {
  std::vector<const ir::Tensor*> inputs;
  for (const auto& t : q.tensors) inputs.push_back(&t);
  runtime::KernelContext ctx{q.node, inputs, std::vector<ir::Tensor>(1), pool};
  auto params = [&](const std::vector<std::string>& names) {
    std::vector<const ir::QuantParams*> out;
    for (const auto& n : names) out.push_back(q.quant.count(n) ? &q.quant.at(n) : nullptr);
    return out;
  };
  ctx.in_quant = params(q.node.inputs);
  ctx.out_quant = params(q.node.outputs);
  fn(ctx);
  return std::move(ctx.outputs[0]);
}

// Reference vs every fast path, 1 and 2 threads: identical bytes.
void check_paths(const QuantNode& q, KernelFn reference, void (*fast)(runtime::KernelContext&, QuadIsa)) {
  runtime::ThreadPool one(1), two(2);
  const ir::Tensor want = run(q, one, reference);
  REQUIRE(want.numel() > 0);
  for (QuadIsa isa : fast_isas())
    for (runtime::ThreadPool* pool : {&one, &two}) {
      CAPTURE(runtime::kernels::quad_isa_name(isa), pool->size());
      const ir::Tensor got = run(q, *pool, [&](runtime::KernelContext& ctx) { fast(ctx, isa); });
      REQUIRE(got.shape() == want.shape());
      CHECK(std::memcmp(got.raw(), want.raw(), want.nbytes()) == 0);
    }
}

struct ConvCase {
  int64_t n, c, h, w, m, kh, kw, group, sh, sw, dh, dw;
  std::vector<int64_t> pads;  // top, left, bottom, right
  bool per_channel, bias;
  int32_t zx, zy;
  double extreme;  // share of -128 / 127 in x and w
  std::string activation;
  float y_scale = 1.f;  // times the output scale that spreads outputs over int8
};

QuantNode conv_node(const ConvCase& t, std::mt19937& rng) {
  QuantNode q;
  q.node.name = "conv";
  q.node.op_type = "Conv";
  q.node.inputs = {"x", "w"};
  if (t.bias) q.node.inputs.push_back("b");
  q.node.outputs = {"y"};
  q.node.attrs.set("group", t.group);
  q.node.attrs.set("kernel_shape", std::vector<int64_t>{t.kh, t.kw});
  q.node.attrs.set("strides", std::vector<int64_t>{t.sh, t.sw});
  q.node.attrs.set("pads", t.pads);
  q.node.attrs.set("dilations", std::vector<int64_t>{t.dh, t.dw});
  if (!t.activation.empty()) q.node.attrs.set("activation", t.activation);
  const int64_t cg = t.c / t.group;
  q.tensors.push_back(ir::Tensor::from<int8_t>({t.n, t.c, t.h, t.w},
                                               random_int8(static_cast<size_t>(t.n * t.c * t.h * t.w), rng, t.extreme)));
  q.tensors.push_back(ir::Tensor::from<int8_t>({t.m, cg, t.kh, t.kw},
                                               random_int8(static_cast<size_t>(t.m * cg * t.kh * t.kw), rng, t.extreme)));
  std::uniform_int_distribution<int32_t> bias(-5000, 5000);
  std::vector<int32_t> b(static_cast<size_t>(t.m));
  for (auto& v : b) v = bias(rng);
  if (t.bias) q.tensors.push_back(ir::Tensor::from<int32_t>({t.m}, b));
  std::uniform_real_distribution<float> scale(0.002f, 0.02f);
  std::vector<float> sw(t.per_channel ? static_cast<size_t>(t.m) : 1);
  for (auto& s : sw) s = scale(rng);
  q.quant["x"] = ir::QuantParams::per_tensor(0.05f, t.zx);
  q.quant["w"] = ir::QuantParams{ir::kAsymmetricInt8, t.per_channel ? 0 : -1, sw, {0}};
  // An output scale near the typical accumulator, so outputs spread over int8 and some saturate.
  q.quant["y"] = ir::QuantParams::per_tensor(
      t.y_scale * 0.05f * 0.01f * 40.f * static_cast<float>(std::sqrt(cg * t.kh * t.kw)), t.zy);
  return q;
}

ConvCase random_case(std::mt19937& rng) {
  auto pick = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
  ConvCase t{};
  t.n = pick(1, 2);
  t.group = pick(0, 3) == 0 ? pick(2, 4) : 1;
  t.c = t.group * pick(1, 21);
  t.m = t.group * pick(1, 19);
  t.kh = pick(1, 4), t.kw = pick(1, 4);
  t.sh = pick(1, 3), t.sw = pick(1, 3);
  t.dh = pick(1, 2), t.dw = pick(1, 2);
  t.pads = {pick(0, 2), pick(0, 2), pick(0, 2), pick(0, 2)};
  t.h = pick((t.kh - 1) * t.dh + 1, 23), t.w = pick((t.kw - 1) * t.dw + 1, 37);
  t.per_channel = pick(0, 1) == 1, t.bias = pick(0, 3) != 0;
  t.zx = static_cast<int32_t>(pick(-128, 127)), t.zy = static_cast<int32_t>(pick(-128, 127));
  t.extreme = pick(0, 2) * 0.25;
  const char* acts[] = {"", "", "Relu"};
  t.activation = acts[pick(0, 2)];
  return t;
}

}  // namespace quad_test

TEST_CASE("fast int8 Conv equals the reference on random shapes") {
  INFO("quad path: " << runtime::kernels::quad_isa_name(runtime::kernels::quad_isa()));
  if (quad_test::fast_isas().empty()) WARN("this CPU has no AVX2: only the reference int8 Conv runs");
  std::mt19937 rng(16);
  for (int i = 0; i < 120; ++i) {
    const quad_test::ConvCase t = quad_test::random_case(rng);
    CAPTURE(i, t.n, t.c, t.h, t.w, t.m, t.kh, t.kw, t.group, t.sh, t.sw, t.dh, t.dw, t.pads, t.per_channel, t.zx,
            t.extreme);
    quad_test::check_paths(quad_test::conv_node(t, rng), runtime::kernels::conv_q8_reference, runtime::kernels::conv_q8_quad);
  }
}

TEST_CASE("fast int8 Conv equals the reference on the shapes of real networks") {
  std::mt19937 rng(17);
  // n, c, h, w, m, kh, kw, group, sh, sw, dh, dw, pads, per_channel, bias, zx, zy, extreme, activation
  const quad_test::ConvCase cases[] = {
      {1, 3, 37, 41, 16, 3, 3, 1, 2, 2, 1, 1, {1, 1, 1, 1}, true, true, -5, 3, 0.0, "Clip"},   // stem
      {1, 3, 30, 30, 32, 6, 6, 1, 2, 2, 1, 1, {2, 2, 2, 2}, true, true, 0, -128, 0.0, "Relu"},   // yolov5 6x6 s2
      {1, 32, 14, 14, 96, 1, 1, 1, 1, 1, 1, 1, {0, 0, 0, 0}, true, true, -128, 5, 0.0, ""},     // pointwise expand
      {1, 96, 9, 9, 24, 1, 1, 1, 1, 1, 1, 1, {0, 0, 0, 0}, false, false, 127, 0, 0.0, ""},      // pointwise project
      {1, 24, 11, 11, 24, 3, 3, 24, 1, 1, 1, 1, {1, 1, 1, 1}, true, true, 3, 0, 0.0, "Relu"},   // depthwise
      {1, 64, 7, 7, 64, 3, 3, 1, 1, 1, 1, 1, {1, 1, 1, 1}, true, true, 0, 0, 0.0, "Relu"},      // resnet 3x3, P = 49
      {1, 300, 5, 5, 40, 3, 3, 1, 1, 1, 1, 1, {1, 1, 1, 1}, true, true, 10, 0, 0.0, ""},        // K = 2700
      {1, 40, 9, 9, 20, 1, 1, 1, 2, 2, 1, 1, {0, 0, 0, 0}, true, true, 7, 0, 0.0, ""},          // strided 1x1 shortcut
      {1, 16, 5, 5, 8, 1, 1, 4, 1, 1, 1, 1, {0, 0, 0, 0}, true, true, 7, 0, 0.0, ""},           // grouped 1x1
      {1, 20, 6, 6, 9, 3, 3, 1, 1, 1, 1, 1, {1, 1, 1, 1}, true, true, 7, 0, 0.5, "", 1e-9f},     // multiplier >= 2^31
      {1, 20, 6, 6, 9, 3, 3, 1, 1, 1, 1, 1, {1, 1, 1, 1}, true, true, 7, 0, 0.5, "", 1e-5f},     // huge multiplier
      {1, 20, 6, 6, 9, 1, 1, 1, 1, 1, 1, 1, {0, 0, 0, 0}, false, true, 7, 0, 0.5, "", 1e4f},    // tiny multiplier
      {1, 9, 6, 6, 9, 3, 3, 9, 1, 1, 1, 1, {1, 1, 1, 1}, true, true, -7, 3, 0.5, "", 1e-6f},    // depthwise, huge
      // stride 1 on rows of 16+ outputs: the padded image read in place (PaddedPhases), in bands and whole
      {1, 16, 56, 56, 24, 3, 3, 1, 1, 1, 1, 1, {1, 1, 1, 1}, true, true, -9, 2, 0.2, "Relu"},   // many bands
      {2, 8, 20, 19, 16, 3, 3, 2, 1, 1, 1, 1, {0, 1, 2, 0}, false, true, 30, -4, 0.2, ""},      // groups, uneven pads
      {1, 5, 12, 40, 7, 5, 3, 1, 1, 1, 2, 2, {2, 0, 1, 3}, true, false, -128, 0, 0.5, "Clip"},  // dilated 5x3
      {1, 37, 17, 17, 11, 3, 3, 1, 1, 1, 1, 1, {1, 1, 1, 1}, true, true, 127, 1, 0.5, ""},      // odd K, one panel rows
      {1, 962, 1, 1, 240, 1, 1, 1, 1, 1, 1, 1, {0, 0, 0, 0}, true, true, -3, 2, 0.3, "Relu"},   // squeeze-excite, 1 pixel
      {1, 43, 1, 3, 17, 1, 1, 1, 1, 1, 1, 1, {0, 0, 0, 0}, false, true, 127, -1, 1.0, ""},      // 3 pixels, odd K
      {1, 2, 5, 2100, 2, 3, 3, 2, 1, 1, 1, 1, {1, 1, 1, 1}, true, true, 5, -3, 0.2, "Relu"},   // depthwise, rows wider than a band
      // 14x14 rows (2 dropped of 16) and stride 2 (the stride phases, 1 dropped of 21), read in place too
      {1, 24, 14, 14, 16, 3, 3, 1, 1, 1, 1, 1, {1, 1, 1, 1}, true, true, -2, 4, 0.2, "Relu"},   // 14x14
      {1, 32, 40, 40, 24, 3, 3, 1, 2, 2, 1, 1, {1, 1, 1, 1}, true, true, 6, -3, 0.2, ""},       // stride 2, phases
      {1, 17, 23, 31, 12, 5, 5, 1, 2, 3, 1, 1, {2, 1, 2, 0}, false, true, -60, 9, 0.3, "Clip"}, // strides 2x3, odd pads
  };
  for (const quad_test::ConvCase& t : cases) {
    CAPTURE(t.c, t.h, t.w, t.m, t.kh, t.kw, t.group, t.sh);
    quad_test::check_paths(quad_test::conv_node(t, rng), runtime::kernels::conv_q8_reference, runtime::kernels::conv_q8_quad);
  }
}

// Depthwise windows of every kind the direct loops take or refuse: kernels
// up to 7 wide (two quads a row), strides 1-3, row dilation, padding past the
// kernel, rows from 1 to over 64 values (more than one fill store), zero
// points at both ends of int8; 1 to 19 channels and planes on both sides of
// 32x32, so the lane loop (qdepthwise_lanes.h) runs whole and partial groups
// of sixteen channels and the plane loop the larger planes.
TEST_CASE("fast int8 depthwise Conv equals the reference on random windows") {
  std::mt19937 rng(19);
  auto pick = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
  for (int i = 0; i < 150; ++i) {
    quad_test::ConvCase t{};
    t.n = pick(1, 2);
    t.c = t.m = t.group = pick(1, 19);
    t.kh = pick(1, 7), t.kw = pick(1, 7);
    t.sh = pick(1, 3), t.sw = pick(1, 3);
    t.dh = pick(1, 3) == 1 ? 2 : 1, t.dw = pick(1, 6) == 1 ? 2 : 1;
    t.pads = {pick(0, 3), pick(0, 3), pick(0, 3), pick(0, 3)};
    t.h = pick((t.kh - 1) * t.dh + 1, 24), t.w = pick((t.kw - 1) * t.dw + 1, pick(0, 1) ? 20 : 150);
    t.per_channel = pick(0, 1) == 1, t.bias = pick(0, 3) != 0;
    const int32_t zx_ends[] = {-128, 127, static_cast<int32_t>(pick(-128, 127))};
    t.zx = zx_ends[pick(0, 2)], t.zy = static_cast<int32_t>(pick(-128, 127));
    t.extreme = pick(0, 2) * 0.4;
    t.activation = pick(0, 2) == 0 ? "Relu" : "";
    CAPTURE(i, t.n, t.c, t.h, t.w, t.kh, t.kw, t.sh, t.sw, t.dh, t.dw, t.pads, t.zx, t.extreme);
    quad_test::check_paths(quad_test::conv_node(t, rng), runtime::kernels::conv_q8_reference,
                           runtime::kernels::conv_q8_quad);
  }
}

// A fused Clip whose low end sits one step below the output zero point, on
// it, or above it: requantisation drops the sign of negative sums only when
// the clamp floors them anyway (low end at or above the zero point).
TEST_CASE("fast int8 Conv clamps at, below and above the output zero point") {
  std::mt19937 rng(20);
  for (int step : {-1, 0, 2})
    for (int64_t group : {1, 12}) {
      CAPTURE(step, group);
      quad_test::ConvCase t{1, 12, 9, 70, 12, 3, 3, group, 1, 1, 1, 1, {1, 1, 1, 1}, true, true, 4, -6, 0.1, "Clip"};
      quad_test::QuantNode q = quad_test::conv_node(t, rng);
      const float scale = q.quant["y"].scale[0];
      q.node.attrs.set("activation_min", static_cast<float>(step) * scale);
      q.node.attrs.set("activation_max", 100.f * scale);
      quad_test::check_paths(q, runtime::kernels::conv_q8_reference, runtime::kernels::conv_q8_quad);
    }
}

TEST_CASE("fast int8 Conv is exact where pmaddubsw would saturate") {
  std::mt19937 rng(18);
  // Every x at -128 (u = 0) or 127 (u = 255) and every weight at -128 or 127:
  // pairs of u·w reach ±65280, beyond int16.
  for (int32_t zx : {-128, 0, 127})
    for (const char* act : {"", "Relu"}) {
      quad_test::ConvCase t{1, 19, 6, 7, 11, 3, 3, 1, 1, 1, 1, 1, {1, 0, 1, 2}, true, true, zx, 0, 1.0, act};
      quad_test::check_paths(quad_test::conv_node(t, rng), runtime::kernels::conv_q8_reference, runtime::kernels::conv_q8_quad);
      t.kh = t.kw = 1, t.pads = {0, 0, 0, 0};
      quad_test::check_paths(quad_test::conv_node(t, rng), runtime::kernels::conv_q8_reference, runtime::kernels::conv_q8_quad);
    }
}

TEST_CASE("fast int8 Gemm equals the reference") {
  std::mt19937 rng(19);
  struct GemmCase {
    int64_t m, k, n;
    bool per_channel, bias;
    int32_t za;
    double extreme;
  };
  const GemmCase cases[] = {{1, 1280, 1000, true, true, -3, 0.0}, {5, 7, 3, false, false, 127, 1.0},
                            {37, 129, 21, true, true, -128, 0.5}, {16, 4, 8, true, true, 0, 1.0},
                            {70, 33, 17, false, true, 12, 0.1},
                            // a few rows: the few-pixel tile, odd quad counts, every value at -128 / 127
                            {3, 1283, 45, true, true, 127, 1.0}, {2, 5, 9, false, true, -128, 0.5}};
  for (const GemmCase& t : cases) {
    CAPTURE(t.m, t.k, t.n, t.per_channel, t.za);
    quad_test::QuantNode q;
    q.node.name = "gemm";
    q.node.op_type = "Gemm";
    q.node.inputs = {"a", "b"};
    if (t.bias) q.node.inputs.push_back("c");
    q.node.outputs = {"y"};
    q.node.attrs.set("transB", int64_t{1});
    q.tensors.push_back(ir::Tensor::from<int8_t>({t.m, t.k}, quad_test::random_int8(static_cast<size_t>(t.m * t.k), rng, t.extreme)));
    q.tensors.push_back(ir::Tensor::from<int8_t>({t.n, t.k}, quad_test::random_int8(static_cast<size_t>(t.n * t.k), rng, t.extreme)));
    std::uniform_int_distribution<int32_t> bias(-20000, 20000);
    std::vector<int32_t> c(static_cast<size_t>(t.n));
    for (auto& v : c) v = bias(rng);
    if (t.bias) q.tensors.push_back(ir::Tensor::from<int32_t>({t.n}, c));
    std::uniform_real_distribution<float> scale(0.002f, 0.02f);
    std::vector<float> sb(t.per_channel ? static_cast<size_t>(t.n) : 1);
    for (auto& s : sb) s = scale(rng);
    q.quant["a"] = ir::QuantParams::per_tensor(0.05f, t.za);
    q.quant["b"] = ir::QuantParams{ir::kAsymmetricInt8, t.per_channel ? 0 : -1, sb, {0}};
    q.quant["y"] = ir::QuantParams::per_tensor(0.02f * static_cast<float>(std::sqrt(t.k)), 4);
    quad_test::check_paths(q, runtime::kernels::gemm_q8_reference, runtime::kernels::gemm_q8_quad);
  }
}

TEST_CASE("int8 Add, Sub and Mul on a broadcast per-channel operand equal the expanded operand") {
  // Long rows against one value run through a byte table; expanding the
  // operand to the full shape takes the element-by-element loop.
  std::mt19937 rng(20);
  const int64_t c = 5, h = 23, w = 29;  // rows of 667 values
  const ir::Tensor full = ir::Tensor::from<int8_t>({1, c, h, w}, quad_test::random_int8(c * h * w, rng, 0.1));
  const std::vector<int8_t> per_channel = quad_test::random_int8(c, rng, 0.4);
  std::vector<int8_t> expanded;
  for (int64_t i = 0; i < c; ++i) expanded.insert(expanded.end(), h * w, per_channel[i]);
  const ir::Tensor small = ir::Tensor::from<int8_t>({1, c, 1, 1}, per_channel);
  const ir::Tensor wide = ir::Tensor::from<int8_t>({1, c, h, w}, expanded);
  runtime::ThreadPool pool(2);
  for (const char* op : {"Add", "Sub", "Mul"})
    for (bool constant_first : {false, true}) {
      CAPTURE(op, constant_first);
      quad_test::QuantNode q;
      q.node.name = "n";
      q.node.op_type = op;
      q.node.inputs = {"a", "b"};
      q.node.outputs = {"y"};
      q.node.attrs.set("activation", std::string("Relu"));
      q.quant["a"] = ir::QuantParams::per_tensor(0.04f, constant_first ? 17 : -9);
      q.quant["b"] = ir::QuantParams::per_tensor(0.07f, constant_first ? -9 : 17);
      q.quant["y"] = ir::QuantParams::per_tensor(0.05f, -20);
      if (std::string(op) == "Mul") q.node.attrs = {};
      auto run_with = [&](const ir::Tensor& operand) {
        q.tensors = constant_first ? std::vector<ir::Tensor>{operand, full} : std::vector<ir::Tensor>{full, operand};
        return quad_test::run(q, pool, [&](runtime::KernelContext& ctx) {
          runtime::KernelRegistry::instance().find(op, ir::DataType::Int8, true)(ctx);
        });
      };
      const ir::Tensor got = run_with(small), want = run_with(wide);
      REQUIRE(got.nbytes() == want.nbytes());
      CHECK(std::memcmp(got.raw(), want.raw(), want.nbytes()) == 0);
    }
}

TEST_CASE("int8 nearest Resize gathers the same bytes as the fp32 Resize") {
  std::mt19937 rng(21);
  const ir::Tensor x8 = ir::Tensor::from<int8_t>({1, 3, 7, 10}, quad_test::random_int8(3 * 7 * 10, rng, 0.2));
  std::vector<float> xf;
  for (int8_t v : x8.values<int8_t>()) xf.push_back(v);
  const ir::Tensor x32 = ir::Tensor::from<float>({1, 3, 7, 10}, xf);
  runtime::ThreadPool pool(2);
  for (const auto& [scales, ctm] : std::vector<std::pair<std::vector<float>, std::string>>{
           {{1.f, 1.f, 2.f, 2.f}, "asymmetric"}, {{1.f, 1.f, 1.5f, 0.7f}, "half_pixel"}, {{1.f, 2.f, 3.f, 1.f}, "asymmetric"}}) {
    CAPTURE(scales, ctm);
    ir::Node node;
    node.name = "resize";
    node.op_type = "Resize";
    node.inputs = {"x", "", "scales"};
    node.outputs = {"y"};
    node.attrs.set("mode", std::string("nearest"));
    node.attrs.set("coordinate_transformation_mode", ctm);
    const ir::Tensor s = ir::Tensor::from<float>({4}, scales);
    const std::map<std::string, ir::QuantParams> quant{{"x", ir::QuantParams::per_tensor(0.1f, 3)},
                                                       {"y", ir::QuantParams::per_tensor(0.1f, 3)}};
    const ir::Tensor y8 = runtime::Executor::run_node(node, {&x8, nullptr, &s}, pool, &quant)[0];
    const ir::Tensor y32 = runtime::Executor::run_node(node, {&x32, nullptr, &s}, pool)[0];
    REQUIRE(y8.shape() == y32.shape());
    const auto got = y8.values<int8_t>();
    const auto want = y32.values<float>();
    for (size_t i = 0; i < want.size(); ++i) REQUIRE(float(got[i]) == want[i]);
  }
}

TEST_CASE("int8 MaxPool (separable) equals the fp32 MaxPool") {
  std::mt19937 rng(22);
  struct PoolCase {
    int64_t h, w, k, stride, pad, dil, ceil;
  };
  const PoolCase cases[] = {{20, 20, 5, 1, 2, 1, 0}, {13, 17, 3, 2, 1, 1, 0}, {13, 17, 3, 2, 1, 1, 1},
                            {9, 11, 2, 2, 0, 1, 1}, {12, 10, 3, 1, 2, 2, 0}, {5, 6, 4, 3, 1, 1, 1}};
  runtime::ThreadPool pool(2);
  for (const PoolCase& t : cases) {
    CAPTURE(t.h, t.w, t.k, t.stride, t.pad, t.dil, t.ceil);
    const ir::Tensor x8 = ir::Tensor::from<int8_t>({1, 3, t.h, t.w}, quad_test::random_int8(3 * t.h * t.w, rng, 0.3));
    std::vector<float> xf;
    for (int8_t v : x8.values<int8_t>()) xf.push_back(v);
    const ir::Tensor x32 = ir::Tensor::from<float>({1, 3, t.h, t.w}, xf);
    ir::Node node;
    node.name = "pool";
    node.op_type = "MaxPool";
    node.inputs = {"x"};
    node.outputs = {"y"};
    node.attrs.set("kernel_shape", std::vector<int64_t>{t.k, t.k});
    node.attrs.set("strides", std::vector<int64_t>{t.stride, t.stride});
    node.attrs.set("pads", std::vector<int64_t>{t.pad, t.pad, t.pad, t.pad});
    node.attrs.set("dilations", std::vector<int64_t>{t.dil, t.dil});
    node.attrs.set("ceil_mode", t.ceil);
    const std::map<std::string, ir::QuantParams> quant{{"x", ir::QuantParams::per_tensor(0.1f, -4)},
                                                       {"y", ir::QuantParams::per_tensor(0.1f, -4)}};
    const ir::Tensor y8 = runtime::Executor::run_node(node, {&x8}, pool, &quant)[0];
    const ir::Tensor y32 = runtime::Executor::run_node(node, {&x32}, pool)[0];
    REQUIRE(y8.shape() == y32.shape());
    const auto got = y8.values<int8_t>();
    const auto want = y32.values<float>();
    for (size_t i = 0; i < want.size(); ++i) REQUIRE(float(got[i]) == want[i]);
  }
}
