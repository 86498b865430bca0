// The fast fp32 paths (packed sgemm, im2col panels, depthwise rows) against
// oracles on random shapes: each output must equal, bit for bit, one fma
// chain in k order (what every instruction-set path computes), whatever the
// thread count; and stay close to a double-precision sum.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <random>

#include "runtime/cpu_features.h"
#include "runtime/executor.h"
#include "runtime/kernels/helpers/depthwise_f32.h"
#include "runtime/kernels/helpers/fused_activation.h"
#include "runtime/kernels/helpers/gemm.h"
#include "runtime/kernels/helpers/gemv_f32.h"
#include "runtime/kernels/helpers/im2col_panels.h"
#include "runtime/kernels/helpers/padded_image.h"
#include "runtime/kernels/helpers/pixel_rows_conv.h"
#include "random_floats.h"
#include "usable_isas.h"

using namespace rknnc;
using runtime::Isa;
using runtime::kernels::GemmArgs;

namespace {

void fp32_fma_chain_gemm(const GemmArgs& g) {
  for (int64_t i = 0; i < g.m; ++i)
    for (int64_t j = 0; j < g.n; ++j) {
      float s = g.accumulate ? g.c[i * g.ldc + j] : 0.0f;
      for (int64_t p = 0; p < g.k; ++p)
        s = std::fma(g.trans_a ? g.a[p * g.lda + i] : g.a[i * g.lda + p],
                     g.trans_b ? g.b[j * g.ldb + p] : g.b[p * g.ldb + j], s);
      g.c[i * g.ldc + j] = s;
    }
}

struct Fp32ConvCase {
  int64_t c, h, w, m, kh, kw, group, sh, sw, dh, dw, pt, pl, pb, pr;
  bool bias;
};

Fp32ConvCase random_fp32_conv(std::mt19937& rng) {
  auto pick = [&](int64_t lo, int64_t hi) { return std::uniform_int_distribution<int64_t>(lo, hi)(rng); };
  Fp32ConvCase t{};
  t.group = pick(0, 3) == 0 ? 1 : pick(1, 3);
  const bool depthwise = pick(0, 2) == 0;
  const int64_t cg = depthwise ? 1 : pick(1, 9), mg = depthwise ? 1 : pick(1, 21);
  if (depthwise) t.group = pick(1, 19);
  t.c = cg * t.group, t.m = mg * t.group;
  t.kh = pick(1, 5), t.kw = pick(0, 2) == 0 ? 1 : pick(1, 5);
  t.sh = pick(1, 3), t.sw = pick(1, 3), t.dh = pick(1, 2), t.dw = pick(1, 2);
  t.pt = pick(0, 2), t.pl = pick(0, 2), t.pb = pick(0, 2), t.pr = pick(0, 2);
  t.h = pick((t.kh - 1) * t.dh + 1, 40), t.w = pick((t.kw - 1) * t.dw + 1, 70);
  t.bias = pick(0, 1) == 1;
  return t;
}

int64_t fp32_out_dim(int64_t in, int64_t k, int64_t s, int64_t d, int64_t p0, int64_t p1) {
  return (in + p0 + p1 - (k - 1) * d - 1) / s + 1;
}

// y = bias, then one fma per in-bounds tap: input channel outer, taps inner.
std::vector<float> fp32_fma_chain_conv(const Fp32ConvCase& t, const float* x, const float* w, const float* b) {
  const int64_t oh = fp32_out_dim(t.h, t.kh, t.sh, t.dh, t.pt, t.pb), ow = fp32_out_dim(t.w, t.kw, t.sw, t.dw, t.pl, t.pr);
  const int64_t cg = t.c / t.group, mg = t.m / t.group;
  std::vector<float> y(static_cast<size_t>(t.m * oh * ow));
  for (int64_t o = 0; o < t.m; ++o)
    for (int64_t i = 0; i < oh; ++i)
      for (int64_t j = 0; j < ow; ++j) {
        float s = b ? b[o] : 0.0f;
        for (int64_t ci = 0; ci < cg; ++ci)
          for (int64_t a = 0; a < t.kh; ++a)
            for (int64_t e = 0; e < t.kw; ++e) {
              const int64_t yy = i * t.sh - t.pt + a * t.dh, xx = j * t.sw - t.pl + e * t.dw;
              if (yy < 0 || yy >= t.h || xx < 0 || xx >= t.w) continue;
              s = std::fma(x[((o / mg * cg + ci) * t.h + yy) * t.w + xx], w[((o * cg + ci) * t.kh + a) * t.kw + e], s);
            }
        y[static_cast<size_t>((o * oh + i) * ow + j)] = s;
      }
  return y;
}

runtime::kernels::Window fp32_window_of(const Fp32ConvCase& t) {
  runtime::kernels::Window win;
  win.rank = 2;
  win.in = {1, t.h, t.w};
  win.kernel = {1, t.kh, t.kw};
  win.stride = {1, t.sh, t.sw};
  win.dilation = {1, t.dh, t.dw};
  win.pad_begin = {0, t.pt, t.pl};
  win.pad_end = {0, t.pb, t.pr};
  win.out = {1, fp32_out_dim(t.h, t.kh, t.sh, t.dh, t.pt, t.pb), fp32_out_dim(t.w, t.kw, t.sw, t.dw, t.pl, t.pr)};
  return win;
}

// The Conv kernel's arithmetic on one instruction set, called through its helpers.
std::vector<float> fp32_conv_on(Isa isa, const Fp32ConvCase& t, const float* x, const float* w, const float* b,
                           runtime::ThreadPool& pool) {
  using namespace runtime::kernels;
  const Window win = fp32_window_of(t);
  const int64_t cg = t.c / t.group, mg = t.m / t.group, out = win.out_size(), taps = t.kh * t.kw;
  std::vector<float> y(static_cast<size_t>(t.m * out));
  if (cg == 1 && mg == 1) {
    depthwise_conv_f32(x, w, b, win, y.data(), 0, t.m, isa);
    return y;
  }
  for (int64_t g = 0; g < t.group; ++g) {
    float* yg = y.data() + g * mg * out;
    const AMatrix a = a_matrix(w + g * mg * cg * taps, mg, cg * taps, cg * taps, false, isa);
    const float* xg = x + g * cg * win.in_size();
    const GemmEpilogue from_bias{true, b ? b + g * mg : nullptr, nullptr};
    if (pixel_rows_suit(win, mg, *a.tile)) {  // a small plane of a 1x1 kernel: the transposed gemm
      const bool pointwise = t.sh == 1 && t.sw == 1 && t.pt + t.pl + t.pb + t.pr == 0;
      const std::vector<float> wt = pixel_rows_weights(w + g * mg * cg * taps, mg, cg * taps);
      conv_pixel_rows(xg, cg, win, pointwise, wt, mg, from_bias.bias, nullptr, yg, pool, isa);
    } else if (PaddedImage::suits(win)) {  // the image's padded phases read in place, as the Conv kernel does
      PaddedImage(xg, cg, win, a.tile->lanes, &pool).convolve(a, yg, from_bias, &pool);
    } else {
      gemm_packed(a, Im2colPanels(xg, win), out, yg, out, &pool, from_bias);
    }
  }
  return y;
}

ir::Node fp32_conv_node(const Fp32ConvCase& t) {
  ir::Node n;
  n.name = "conv";
  n.op_type = "Conv";
  n.inputs = {"x", "w"};
  if (t.bias) n.inputs.push_back("b");
  n.outputs = {"y"};
  n.attrs.set("group", t.group);
  n.attrs.set("strides", std::vector<int64_t>{t.sh, t.sw});
  n.attrs.set("dilations", std::vector<int64_t>{t.dh, t.dw});
  n.attrs.set("pads", std::vector<int64_t>{t.pt, t.pl, t.pb, t.pr});
  return n;
}

bool same_fp32_values(const std::vector<float>& a, const float* b) {
  for (size_t i = 0; i < a.size(); ++i)
    if (!(a[i] == b[i])) return false;  // == : +0 and -0 may differ where a padded tap adds w * 0
  return true;
}

}  // namespace

TEST_CASE("packed sgemm equals one fma chain per element on every ISA and thread count", "[kernels][fp32]") {
  std::mt19937 rng(5);
  runtime::ThreadPool one(1), two(2);
  struct Dims {
    int64_t m, n, k;
  };
  std::vector<Dims> dims{{13, 2100, 600}, {70, 40, 4100}};  // B over a million floats: packed per column block
  // m around the tile heights (6 on AVX2, 8 on AVX-512: A read in place, the last
  // partial panel packed); n around the tile widths (8 / 16 / 48 and the narrower
  // tiles of the last columns), both transposes of A.
  for (int64_t m : {1, 5, 6, 7, 8, 9, 70})
    for (int64_t n : {1, 15, 16, 17, 33, 100, 300})
      for (int64_t k : {1, 3, 300}) dims.push_back({m, n, k});  // 300: more than one K block
  for (const auto& [m, n, k] : dims) {
    const int flags = static_cast<int>(rng() % 8);
    const bool ta = flags & 1, tb = flags & 2, acc = flags & 4;
    CAPTURE(m, n, k, ta, tb, acc);
    const auto a = random_floats(static_cast<size_t>(m * k), rng), b = random_floats(static_cast<size_t>(k * n), rng);
    const auto c0 = random_floats(static_cast<size_t>(m * n), rng);
    GemmArgs g;
    g.m = m, g.n = n, g.k = k, g.accumulate = acc;
    g.a = a.data(), g.lda = ta ? m : k, g.trans_a = ta;
    g.b = b.data(), g.ldb = tb ? k : n, g.trans_b = tb;
    g.ldc = n;
    std::vector<float> want = c0, ref = c0;
    g.c = want.data();
    fp32_fma_chain_gemm(g);
    g.c = ref.data();
    runtime::kernels::sgemm_reference(g);
    for (size_t i = 0; i < want.size(); ++i) REQUIRE(want[i] == Approx(ref[i]).margin(1e-3));
    for (Isa isa : usable_fp32_isas())
      for (runtime::ThreadPool* pool : {&one, &two}) {
        CAPTURE(runtime::isa_name(isa), pool->size());
        std::vector<float> got = c0;
        g.c = got.data();
        runtime::kernels::sgemm(g, pool, isa);
        REQUIRE(std::memcmp(got.data(), want.data(), sizeof(float) * want.size()) == 0);
      }
  }
}

TEST_CASE("fp32 Conv on random shapes equals the fma-chain direct conv on every ISA and thread count",
          "[kernels][fp32]") {
  std::mt19937 rng(23);
  runtime::ThreadPool one(1), two(2);
  const Fp32ConvCase fixed[] = {
      {16, 90, 120, 24, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, true},  // im2col over a million floats: column blocks
      {6, 11, 30, 8, 7, 7, 1, 1, 1, 1, 1, 5, 6, 4, 9, false},    // padding runs of 1 to 9 floats
      {3, 64, 64, 16, 6, 6, 1, 2, 2, 1, 1, 2, 2, 2, 2, true},    // 6x6 stride 2 (yolov5's stem): two phases a dim
      {2, 130, 300, 40, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, true},  // padded columns in several bands of output rows
      {20, 9, 80, 10, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, true},    // rows of whole vectors into y, tasks split mid-row
      {30, 12, 96, 16, 3, 3, 1, 2, 2, 1, 1, 1, 1, 1, 1, false},  // ... stride 2, two K blocks
      {24, 10, 32, 12, 3, 3, 2, 1, 1, 1, 1, 1, 1, 1, 1, true},   // ... two groups of 6 rows: partial tiles
      {5, 31, 29, 20, 3, 3, 1, 3, 2, 2, 1, 1, 0, 2, 1, true},    // stride 3 x 2, dilated rows, uneven padding
      {4, 7, 7, 11, 7, 7, 1, 1, 1, 1, 1, 3, 3, 3, 3, true},      // 7x7 kernel on 7x7: too many padded columns, im2col
      {17, 20, 37, 17, 3, 3, 17, 1, 1, 1, 1, 1, 1, 1, 1, true},  // depthwise 3x3: three taps per pass
      {9, 23, 41, 9, 3, 3, 9, 1, 1, 2, 2, 2, 0, 1, 2, false},    // ... dilated, uneven padding
      {5, 8, 4, 5, 3, 3, 5, 1, 1, 1, 2, 0, 3, 0, 3, true},       // ... no output inside all three taps
      {40, 15, 13, 40, 5, 5, 40, 2, 2, 1, 1, 2, 2, 2, 1, true},   // ... 5x5 stride 2: channel blocks + a partial one
      {24, 7, 7, 24, 3, 3, 24, 1, 1, 1, 1, 1, 1, 1, 1, false},    // ... a 7x7 plane (pixel-major vector path)
      {17, 150, 70, 17, 3, 3, 17, 1, 1, 1, 1, 1, 1, 1, 1, true},  // ... bands of output rows, a partial block
      {9, 121, 90, 9, 3, 3, 9, 2, 2, 2, 1, 3, 1, 0, 2, false},    // ... bands at stride 2, dilated, uneven pads
      {8, 200, 40, 8, 5, 5, 8, 1, 1, 1, 1, 4, 2, 4, 2, true},     // ... 5x5, pads wider than the kernel reach
      {70, 7, 7, 96, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, true},      // 1x1 on 7x7: pixels as gemm rows, read in place
      {40, 13, 13, 64, 1, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0, false},   // ... stride 2 (im2col), a partial row panel
      {16, 5, 5, 128, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, true},     // ... padded, two groups of 64
      {33, 3, 3, 200, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, false},    // ... 9 pixels, channels in whole and narrow tiles
      {16, 263, 250, 4, 3, 3, 1, 2, 2, 1, 1, 1, 1, 0, 1, true},   // phases over 4 MB: bands of rows, one a task
      {16, 270, 256, 3, 3, 3, 1, 1, 1, 2, 1, 2, 1, 3, 1, false},  // ... dilated rows, uneven pads, rows into y
  };
  const int random_cases = 60, cases = random_cases + static_cast<int>(std::size(fixed));
  for (int iter = 0; iter < cases; ++iter) {
    const Fp32ConvCase t = iter < random_cases ? random_fp32_conv(rng) : fixed[iter - random_cases];
    CAPTURE(iter, t.c, t.h, t.w, t.m, t.kh, t.kw, t.group, t.sh, t.sw, t.dh, t.dw, t.pt, t.pl, t.pb, t.pr, t.bias);
    ir::Tensor x = ir::Tensor::from<float>({1, t.c, t.h, t.w}, random_floats(static_cast<size_t>(t.c * t.h * t.w), rng));
    ir::Tensor w = ir::Tensor::from<float>({t.m, t.c / t.group, t.kh, t.kw},
                                           random_floats(static_cast<size_t>(t.m * t.c / t.group * t.kh * t.kw), rng));
    ir::Tensor b = ir::Tensor::from<float>({t.m}, random_floats(static_cast<size_t>(t.m), rng));
    const float* pb = t.bias ? b.data<float>() : nullptr;
    const auto want = fp32_fma_chain_conv(t, x.data<float>(), w.data<float>(), pb);
    const ir::Node node = fp32_conv_node(t);
    std::vector<const ir::Tensor*> args{&x, &w};
    if (t.bias) args.push_back(&b);
    const auto y1 = runtime::Executor::run_node(node, args, one)[0];
    const auto y2 = runtime::Executor::run_node(node, args, two)[0];
    REQUIRE(y1.numel() == static_cast<int64_t>(want.size()));
    REQUIRE(std::memcmp(y1.raw(), y2.raw(), y1.nbytes()) == 0);
    REQUIRE(same_fp32_values(want, y1.data<float>()));
    for (Isa isa : usable_fp32_isas()) {
      CAPTURE(runtime::isa_name(isa));
      REQUIRE(same_fp32_values(want, fp32_conv_on(isa, t, x.data<float>(), w.data<float>(), pb, two).data()));
    }
  }
}

TEST_CASE("fp32 Gemm with constant weights equals the fma chain for every transpose", "[kernels][fp32]") {
  std::mt19937 rng(31);
  runtime::ThreadPool two(2);
  for (int64_t m : {1, 3, 9}) {
    for (int flags = 0; flags < 8; ++flags) {
      const bool ta = flags & 1, tb = flags & 2;
      const int64_t n = flags & 4 ? 300 : 37, k = 70;  // 300: four whole panels of the matrix-vector path and a part
      ir::Tensor a = ir::Tensor::from<float>(ta ? ir::Shape{k, m} : ir::Shape{m, k},
                                             random_floats(static_cast<size_t>(m * k), rng));
      ir::Tensor b = ir::Tensor::from<float>(tb ? ir::Shape{n, k} : ir::Shape{k, n},
                                             random_floats(static_cast<size_t>(k * n), rng));
      ir::Node node;
      node.name = "gemm";
      node.op_type = "Gemm";
      node.inputs = {"a", "b"};
      node.outputs = {"y"};
      node.attrs.set("transA", int64_t{ta});
      node.attrs.set("transB", int64_t{tb});
      const auto y = runtime::Executor::run_node(node, {&a, &b}, two)[0];
      std::vector<float> want(static_cast<size_t>(m * n));
      GemmArgs g;
      g.m = m, g.n = n, g.k = k;
      g.a = a.data<float>(), g.lda = a.shape()[1], g.trans_a = ta;
      g.b = b.data<float>(), g.ldb = b.shape()[1], g.trans_b = tb;
      g.c = want.data(), g.ldc = n;
      fp32_fma_chain_gemm(g);
      REQUIRE(y.shape() == ir::Shape{m, n});
      REQUIRE(std::memcmp(y.raw(), want.data(), y.nbytes()) == 0);
      if (m != 1) continue;
      // the matrix-vector path on each instruction set
      const std::vector<float> bk = runtime::kernels::pack_gemv_panels(b.data<float>(), k, n, tb);
      for (Isa isa : usable_fp32_isas()) {
        CAPTURE(runtime::isa_name(isa));
        std::vector<float> got(static_cast<size_t>(n), 0.0f);
        runtime::kernels::gemv_f32(a.data<float>(), bk.data(), k, n, got.data(), &two, isa);
        REQUIRE(std::memcmp(got.data(), want.data(), got.size() * sizeof(float)) == 0);
      }
    }
  }
}

// The gemm's epilogue (bias start, fused activation clamped in the tiles or
// applied per tile) equals a bias fill, the gemm from C, then the activation
// as a pass, bit for bit: on every ISA, with partial tiles, several K blocks,
// NaN, -0 and values on the Clip bounds.
TEST_CASE("fp32 gemm epilogue equals bias fill, gemm and activation pass on every ISA", "[kernels][fp32]") {
  using namespace runtime::kernels;
  std::mt19937 rng(41);
  runtime::ThreadPool two(2);
  const std::vector<std::vector<std::pair<std::string, float>>> activations = {
      {{"Relu", 0}}, {{"Clip", 0}, {"activation_min", 0.0f}, {"activation_max", 6.0f}},
      {{"Clip", 0}, {"activation_min", -0.25f}}, {{"LeakyRelu", 0}, {"activation_alpha", 0.1f}}, {{"SiLU", 0}}};
  for (const int64_t m : {13, 24})
    for (const int64_t k : {5, 300})
      for (const auto& spec : activations) {
        const int64_t n = 70;
        std::vector<float> a = random_floats(static_cast<size_t>(m * k), rng), b = random_floats(static_cast<size_t>(k * n), rng),
                           bias = random_floats(static_cast<size_t>(m), rng);
        b[3] = std::nanf(""), b[static_cast<size_t>(n + 5)] = -0.0f;  // NaN and -0 reach some outputs
        for (size_t i = 0; i < bias.size(); i += 3) bias[i] = 6.0f;
        ir::Attributes attrs;
        attrs.set("activation", spec[0].first);
        for (size_t i = 1; i < spec.size(); ++i) attrs.set(spec[i].first, spec[i].second);
        const runtime::FusedActivation act = runtime::fused_activation_of(attrs);
        CAPTURE(m, k, spec[0].first);
        for (Isa isa : usable_fp32_isas()) {
          CAPTURE(runtime::isa_name(isa));
          const AMatrix am = a_matrix(a.data(), m, k, k, false, isa);
          std::vector<float> want(static_cast<size_t>(m * n)), got(static_cast<size_t>(m * n), 1e30f);
          for (int64_t i = 0; i < m; ++i) std::fill_n(want.data() + i * n, n, bias[static_cast<size_t>(i)]);
          gemm_packed(am, BMatrix(b.data(), n, false), n, want.data(), n, &two);
          act.apply(want.data(), m * n);
          gemm_packed(am, BMatrix(b.data(), n, false), n, got.data(), n, &two, GemmEpilogue{true, bias.data(), &act});
          REQUIRE(std::memcmp(got.data(), want.data(), want.size() * sizeof(float)) == 0);
        }
      }
}

TEST_CASE("fp32 depthwise with a fused activation equals depthwise then the activation on every ISA",
          "[kernels][fp32]") {
  using namespace runtime::kernels;
  std::mt19937 rng(43);
  const std::vector<std::vector<std::pair<std::string, float>>> activations = {
      {{"Relu", 0}}, {{"Clip", 0}, {"activation_min", 0.0f}, {"activation_max", 6.0f}},
      {{"Clip", 0}, {"activation_max", 0.5f}}, {{"LeakyRelu", 0}, {"activation_alpha", 0.1f}}};
  Fp32ConvCase t{};
  t.kh = t.kw = 3, t.sh = t.sw = 1, t.dh = t.dw = 1, t.pt = t.pl = t.pb = t.pr = 1, t.h = 9, t.w = 21, t.bias = true;
  t.c = t.m = t.group = 19;  // a partial channel block on every vector width
  const Window win = fp32_window_of(t);
  std::vector<float> x = random_floats(static_cast<size_t>(t.c * t.h * t.w), rng), w = random_floats(static_cast<size_t>(t.m * 9), rng),
                     b = random_floats(static_cast<size_t>(t.m), rng);
  x[5] = std::nanf(""), x[40] = -0.0f, b[2] = 0.0f, w[18] = 0.0f;  // NaN and -0 reach some outputs
  for (const auto& spec : activations) {
    ir::Attributes attrs;
    attrs.set("activation", spec[0].first);
    for (size_t i = 1; i < spec.size(); ++i) attrs.set(spec[i].first, spec[i].second);
    const runtime::FusedActivation act = runtime::fused_activation_of(attrs);
    CAPTURE(spec[0].first);
    for (Isa isa : usable_fp32_isas()) {
      CAPTURE(runtime::isa_name(isa));
      std::vector<float> want(static_cast<size_t>(t.m * win.out_size())), got(want.size(), 1e30f);
      depthwise_conv_f32(x.data(), w.data(), b.data(), win, want.data(), 0, t.m, isa);
      act.apply(want.data(), static_cast<int64_t>(want.size()));
      depthwise_conv_f32(x.data(), w.data(), b.data(), win, got.data(), 0, t.m, isa, &act);
      REQUIRE(std::memcmp(got.data(), want.data(), want.size() * sizeof(float)) == 0);
    }
  }
}
