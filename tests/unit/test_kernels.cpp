// Kernel helpers that the ONNX node tests do not reach: the blocked sgemm
// against its reference, threaded vs single-threaded Conv, odd broadcasts,
// and one-line errors instead of crashes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "runtime/executor.h"
#include "runtime/kernels/helpers/broadcast.h"
#include "runtime/kernels/helpers/gemm.h"
#include "random_floats.h"
#include "util/error.h"
#include "util/half.h"

using namespace rknnc;
using runtime::kernels::GemmArgs;

namespace {

ir::Tensor random_tensor(ir::Shape shape, std::mt19937& rng) {
  auto n = static_cast<size_t>(ir::shape_numel(shape));
  return ir::Tensor::from<float>(std::move(shape), random_floats(n, rng));
}

ir::Node make_node(const std::string& op, size_t inputs, size_t outputs = 1) {
  ir::Node n;
  n.name = "n";
  n.op_type = op;
  for (size_t i = 0; i < inputs; ++i) n.inputs.push_back("i" + std::to_string(i));
  for (size_t i = 0; i < outputs; ++i) n.outputs.push_back("o" + std::to_string(i));
  return n;
}

// Direct 2-D convolution, the oracle for the im2col/depthwise paths.
std::vector<float> naive_conv2d(const ir::Tensor& x, const ir::Tensor& w, int64_t group, int64_t stride,
                                int64_t pad, int64_t dil, int64_t oh, int64_t ow) {
  const auto& xs = x.shape();
  const auto& ws = w.shape();
  const int64_t n = xs[0], c = xs[1], h = xs[2], wd = xs[3], m = ws[0], cg = ws[1], kh = ws[2], kw = ws[3];
  const int64_t mg = m / group;
  std::vector<float> y(static_cast<size_t>(n * m * oh * ow), 0.0f);
  for (int64_t b = 0; b < n; ++b)
    for (int64_t o = 0; o < m; ++o)
      for (int64_t i = 0; i < oh; ++i)
        for (int64_t j = 0; j < ow; ++j) {
          double s = 0;
          const int64_t g = o / mg;
          for (int64_t ci = 0; ci < cg; ++ci)
            for (int64_t a = 0; a < kh; ++a)
              for (int64_t e = 0; e < kw; ++e) {
                const int64_t yy = i * stride - pad + a * dil, xx = j * stride - pad + e * dil;
                if (yy < 0 || yy >= h || xx < 0 || xx >= wd) continue;
                s += static_cast<double>(x.values<float>()[static_cast<size_t>(((b * c + g * cg + ci) * h + yy) * wd + xx)]) *
                     w.values<float>()[static_cast<size_t>(((o * cg + ci) * kh + a) * kw + e)];
              }
          y[static_cast<size_t>(((b * m + o) * oh + i) * ow + j)] = static_cast<float>(s);
        }
  return y;
}

}  // namespace

TEST_CASE("blocked sgemm matches the reference on odd shapes and transposes", "[kernels]") {
  std::mt19937 rng(7);
  runtime::ThreadPool pool(2);
  for (int64_t m : {1, 3, 5, 67}) {
    for (int64_t n : {1, 7, 9, 260}) {
      for (int64_t k : {1, 4, 300}) {
        for (int flags = 0; flags < 8; ++flags) {
          const bool ta = flags & 1, tb = flags & 2, acc = flags & 4;
          auto a = random_floats(static_cast<size_t>(m * k), rng);
          auto b = random_floats(static_cast<size_t>(k * n), rng);
          auto c0 = random_floats(static_cast<size_t>(m * n), rng);
          std::vector<float> c1 = c0, c2 = c0;
          GemmArgs g;
          g.m = m, g.n = n, g.k = k, g.accumulate = acc;
          g.a = a.data(), g.lda = ta ? m : k, g.trans_a = ta;
          g.b = b.data(), g.ldb = tb ? k : n, g.trans_b = tb;
          g.ldc = n;
          g.c = c1.data();
          runtime::kernels::sgemm(g, &pool);
          g.c = c2.data();
          runtime::kernels::sgemm_reference(g);
          for (size_t i = 0; i < c1.size(); ++i) REQUIRE(c1[i] == Approx(c2[i]).margin(1e-4));
        }
      }
    }
  }
}

TEST_CASE("threaded Conv equals single-threaded Conv and a direct loop", "[kernels]") {
  std::mt19937 rng(11);
  runtime::ThreadPool one(1), two(2);
  struct Case {
    int64_t n, c, h, w, m, k, group, stride, pad, dil;
  };
  const Case cases[] = {
      {1, 3, 17, 13, 8, 3, 1, 1, 1, 1}, {2, 8, 20, 20, 8, 3, 8, 2, 1, 1},   // depthwise
      {1, 6, 9, 11, 4, 3, 2, 1, 2, 2},  {1, 16, 30, 30, 32, 1, 1, 1, 0, 1}, // grouped+dilated, pointwise
      {1, 4, 40, 40, 12, 5, 1, 3, 2, 1}, {1, 32, 56, 56, 64, 3, 1, 1, 1, 1},
  };
  for (const Case& t : cases) {
    CAPTURE(t.c, t.h, t.w, t.m, t.k, t.group, t.stride, t.pad, t.dil);
    ir::Tensor x = random_tensor({t.n, t.c, t.h, t.w}, rng);
    ir::Tensor w = random_tensor({t.m, t.c / t.group, t.k, t.k}, rng);
    ir::Node node = make_node("Conv", 2);
    node.attrs.set("group", t.group);
    node.attrs.set("strides", std::vector<int64_t>{t.stride, t.stride});
    node.attrs.set("pads", std::vector<int64_t>{t.pad, t.pad, t.pad, t.pad});
    node.attrs.set("dilations", std::vector<int64_t>{t.dil, t.dil});
    auto y1 = runtime::Executor::run_node(node, {&x, &w}, one)[0];
    auto y2 = runtime::Executor::run_node(node, {&x, &w}, two)[0];
    REQUIRE(y1.shape() == y2.shape());
    REQUIRE(std::memcmp(y1.raw(), y2.raw(), y1.nbytes()) == 0);
    const int64_t oh = (t.h + 2 * t.pad - (t.k - 1) * t.dil - 1) / t.stride + 1;
    const int64_t ow = (t.w + 2 * t.pad - (t.k - 1) * t.dil - 1) / t.stride + 1;
    REQUIRE(y1.shape() == ir::Shape{t.n, t.m, oh, ow});
    const auto want = naive_conv2d(x, w, t.group, t.stride, t.pad, t.dil, oh, ow);
    for (size_t i = 0; i < want.size(); ++i) REQUIRE(y1.values<float>()[i] == Approx(want[i]).margin(1e-4));
  }
}

TEST_CASE("broadcasting odd shapes follows numpy", "[kernels]") {
  std::mt19937 rng(3);
  runtime::ThreadPool pool(2);
  ir::Tensor a = random_tensor({3, 1, 5}, rng);
  ir::Tensor b = random_tensor({4, 1}, rng);
  ir::Node add = make_node("Add", 2);
  auto y = runtime::Executor::run_node(add, {&a, &b}, pool)[0];
  REQUIRE(y.shape() == ir::Shape{3, 4, 5});
  for (int64_t i = 0; i < 3; ++i)
    for (int64_t j = 0; j < 4; ++j)
      for (int64_t k = 0; k < 5; ++k)
        REQUIRE(y.values<float>()[static_cast<size_t>((i * 4 + j) * 5 + k)] ==
                a.values<float>()[static_cast<size_t>(i * 5 + k)] + b.values<float>()[static_cast<size_t>(j)]);
  // Scalar with an empty tensor gives an empty tensor; int64 shape arithmetic.
  auto s = ir::Tensor::from<int64_t>({}, {7});
  auto e = ir::Tensor::from<int64_t>({2, 0}, {});
  ir::Node mul = make_node("Mul", 2);
  CHECK(runtime::Executor::run_node(mul, {&s, &e}, pool)[0].shape() == ir::Shape{2, 0});
  auto v = ir::Tensor::from<int64_t>({3}, {1, 2, 3});
  CHECK(runtime::Executor::run_node(mul, {&s, &v}, pool)[0].to_int_vector() == std::vector<int64_t>{7, 14, 21});
  ir::Tensor bad = random_tensor({2, 3}, rng);
  CHECK_THROWS_AS(runtime::Executor::run_node(add, {&a, &bad}, pool), Error);
}

TEST_CASE("row plan merges contiguous dims and keeps broadcast strides", "[kernels]") {
  using runtime::kernels::RowPlan;
  const RowPlan p = RowPlan::broadcast({2, 3, 4, 5}, {{2, 3, 4, 5}, {1, 1, 5}});
  CHECK(p.row_length() == 5);
  CHECK(p.rows() == 24);
  CHECK(p.inner_stride(2) == 1);
  const RowPlan q = RowPlan::broadcast({2, 3, 4}, {{2, 3, 4}, {2, 3, 4}});
  CHECK(q.row_length() == 24);
  CHECK(q.rows() == 1);
}

// Long merged rows are cut into pieces for the thread pool: every element
// once, each against its own broadcast partner.
TEST_CASE("binary ops over long rows split into pieces cover every element once", "[kernels]") {
  std::mt19937 rng(5);
  runtime::ThreadPool pool(2);
  ir::Node sub = make_node("Sub", 2);
  struct Case {
    ir::Shape a, b;
  };
  for (const Case& c : {Case{{2, 40000}, {2, 40000}},   // one merged row of 80000: five pieces
                        Case{{3, 20001}, {1, 20001}},   // three rows of two pieces, b read again per row
                        Case{{3, 20001}, {3, 1}}}) {    // a broadcast value per row
    const ir::Tensor a = random_tensor(c.a, rng), b = random_tensor(c.b, rng);
    const ir::Tensor yt = runtime::Executor::run_node(sub, {&a, &b}, pool)[0];
    const auto y = yt.values<float>();
    const auto av = a.values<float>(), bv = b.values<float>();
    REQUIRE(y.size() == av.size());
    const size_t cols = static_cast<size_t>(c.a[1]);
    for (size_t i = 0; i < y.size(); ++i) {
      const size_t r = i / cols, col = i % cols;
      const float bi = c.b[1] == 1 ? bv[r] : bv[(c.b[0] == 1 ? 0 : r) * cols + col];
      REQUIRE(y[i] == av[i] - bi);
    }
  }
}

// Float32 <-> Float16 conversions (Cast, and the float16 simulation's
// widening and rounding) run in chunks on the pool: every value once, with
// the scalar routine's bytes (NaN payloads, infinities, ties).
TEST_CASE("Cast between float32 and float16 on the pool equals the scalar conversion", "[kernels]") {
  std::mt19937 rng(11);
  runtime::ThreadPool pool(2);
  const int64_t n = 50003;  // several chunks on two threads, not a multiple of 8
  std::vector<float> f(static_cast<size_t>(n));
  for (auto& v : f) v = std::bit_cast<float>(static_cast<uint32_t>(rng()));
  f[7] = std::numeric_limits<float>::quiet_NaN();
  f[n - 1] = -std::numeric_limits<float>::infinity();
  const ir::Tensor x = ir::Tensor::from<float>({n}, f);
  ir::Node to_half = make_node("Cast", 1), to_float = make_node("Cast", 1);
  to_half.attrs.set("to", static_cast<int64_t>(ir::DataType::Float16));
  to_float.attrs.set("to", static_cast<int64_t>(ir::DataType::Float32));
  const ir::Tensor h = runtime::Executor::run_node(to_half, {&x}, pool)[0];
  REQUIRE(h.dtype() == ir::DataType::Float16);
  REQUIRE(h.numel() == n);
  const auto* hv = static_cast<const uint16_t*>(h.raw());
  size_t wrong = 0;
  for (int64_t i = 0; i < n; ++i) wrong += hv[i] != float_to_half(f[static_cast<size_t>(i)]);
  CHECK(wrong == 0);
  const ir::Tensor back = runtime::Executor::run_node(to_float, {&h}, pool)[0];
  REQUIRE(back.numel() == n);
  for (int64_t i = 0; i < n; ++i)
    wrong += std::bit_cast<uint32_t>(back.data<float>()[i]) != std::bit_cast<uint32_t>(half_to_float(hv[i]));
  CHECK(wrong == 0);
}

TEST_CASE("kernels reject bad shapes with a one-line error naming the node", "[kernels]") {
  runtime::ThreadPool pool(1);
  auto x = ir::Tensor::from<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  auto shape = ir::Tensor::from<int64_t>({2}, {4, 4});
  ir::Node reshape = make_node("Reshape", 2);
  try {
    runtime::Executor::run_node(reshape, {&x, &shape}, pool);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("node 'n' (Reshape)") != std::string::npos);
    CHECK(std::string(e.what()).find('\n') == std::string::npos);
  }
  auto idx = ir::Tensor::from<int64_t>({1}, {5});
  ir::Node gather = make_node("Gather", 2);
  CHECK_THROWS_AS(runtime::Executor::run_node(gather, {&x, &idx}, pool), Error);
  auto w = ir::Tensor::from<float>({1, 2, 1}, {1, 1});
  ir::Node conv = make_node("Conv", 2);
  CHECK_THROWS_AS(runtime::Executor::run_node(conv, {&x, &w}, pool), Error);
}

// The vector path against the scalar division near halves: exact halves of
// power-of-two and other scales, their neighbours one float away, and
// random values. (A multiplication by the reciprocal, dividing only the lanes
// near a half, passed this and was slower: the loop is not bound by vdivpd.)
TEST_CASE("QuantizeLinear matches the division near halves for random scales", "[kernels]") {
  std::mt19937 rng(23);
  std::uniform_real_distribution<float> log_scale(-10.f, 3.f), unit(-1.f, 1.f);
  std::uniform_int_distribution<int> k(-140, 140), zp(-128, 127);
  runtime::ThreadPool two(2);
  for (int trial = 0; trial < 200; ++trial) {
    const float scale = trial % 4 == 0 ? std::ldexp(1.0f, k(rng) % 12) : std::exp(log_scale(rng));
    const auto z = static_cast<int8_t>(zp(rng));
    std::vector<float> x;
    for (int i = 0; i < 256; ++i) {
      const float half = (static_cast<float>(k(rng)) + 0.5f) * scale;
      x.insert(x.end(), {half, std::nextafter(half, 1e30f), std::nextafter(half, -1e30f), unit(rng) * 200.f * scale});
    }
    const ir::Tensor xt = ir::Tensor::from<float>({static_cast<int64_t>(x.size())}, x);
    const ir::Tensor st = ir::Tensor::from<float>({}, {scale});
    const ir::Tensor zt = ir::Tensor::from<int8_t>({}, {z});
    ir::Node q;
    q.name = "q", q.op_type = "QuantizeLinear", q.inputs = {"x", "s", "z"}, q.outputs = {"y"};
    const ir::Tensor y = runtime::Executor::run_node(q, {&xt, &st, &zt}, two)[0];
    for (size_t i = 0; i < x.size(); ++i) {
      const double v = std::nearbyint(static_cast<double>(x[i]) / static_cast<double>(scale)) + z;
      CAPTURE(scale, x[i]);
      REQUIRE(int{y.data<int8_t>()[i]} == int{static_cast<int8_t>(std::clamp(v, -128.0, 127.0))});
    }
  }
}

// QuantizeLinear rounds x / scale half to even (std::nearbyint) before the
// zero point and saturation, per tensor and per channel, on one or two threads.
TEST_CASE("QuantizeLinear rounds half to even and saturates like std::nearbyint", "[kernels]") {
  std::vector<float> x = {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 0.49999997f, 3.0f, -0.3f, 1e20f, -1e20f,
                          std::nanf(""), INFINITY, -INFINITY, 126.5f, 127.5f, -128.5f, 7e15f};
  std::mt19937 rng(5);
  for (float v : random_floats(3000, rng)) x.push_back(v * 300.0f);
  const int64_t n = static_cast<int64_t>(x.size()) / 3 * 3;
  x.resize(static_cast<size_t>(n));
  runtime::ThreadPool one(1), two(2);
  for (const bool per_channel : {false, true}) {
    const std::vector<float> scales = per_channel ? std::vector<float>{1.0f, 0.5f, 3.0f} : std::vector<float>{0.75f};
    const std::vector<int8_t> zps = per_channel ? std::vector<int8_t>{0, -3, 5} : std::vector<int8_t>{-2};
    const ir::Shape shape = per_channel ? ir::Shape{1, 3, n / 3} : ir::Shape{n};
    ir::Tensor xt = ir::Tensor::from<float>(shape, x);
    ir::Tensor st = ir::Tensor::from<float>({static_cast<int64_t>(scales.size())}, scales);
    if (!per_channel) st = ir::Tensor::from<float>({}, scales);
    ir::Tensor zt = ir::Tensor::from<int8_t>(st.shape(), zps);
    ir::Node q;
    q.name = "q", q.op_type = "QuantizeLinear", q.inputs = {"x", "s", "z"}, q.outputs = {"y"};
    if (per_channel) q.attrs.set("axis", int64_t{1});
    for (runtime::ThreadPool* pool : {&one, &two}) {
      const ir::Tensor y = runtime::Executor::run_node(q, {&xt, &st, &zt}, *pool)[0];
      for (int64_t i = 0; i < n; ++i) {
        const size_t c = per_channel ? static_cast<size_t>(i / (n / 3)) : 0;
        const double v = std::nearbyint(static_cast<double>(x[static_cast<size_t>(i)]) / scales[c]) + zps[c];
        const int8_t want = static_cast<int8_t>(std::isnan(v) ? zps[c] : std::clamp(v, -128.0, 127.0));
        CAPTURE(per_channel, i, x[static_cast<size_t>(i)]);
        REQUIRE(y.data<int8_t>()[i] == want);
      }
    }
  }
  // uint8 zero point: the same formula saturated to 0..255
  ir::Tensor xt = ir::Tensor::from<float>({n}, x), st = ir::Tensor::from<float>({}, {0.75f});
  ir::Tensor zt = ir::Tensor::from<uint8_t>({}, {128});
  ir::Node q;
  q.name = "q", q.op_type = "QuantizeLinear", q.inputs = {"x", "s", "z"}, q.outputs = {"y"};
  const ir::Tensor y = runtime::Executor::run_node(q, {&xt, &st, &zt}, two)[0];
  for (int64_t i = 0; i < n; ++i) {
    const double v = std::nearbyint(static_cast<double>(x[static_cast<size_t>(i)]) / 0.75) + 128;
    CAPTURE(i, x[static_cast<size_t>(i)]);
    REQUIRE(y.data<uint8_t>()[i] == static_cast<uint8_t>(std::isnan(v) ? 128 : std::clamp(v, 0.0, 255.0)));
  }
}

// Concat / Split copy rows in 64 KB pieces over the pool: rows of 27000 and
// 36000 floats (several pieces, a partial last one), two outer rows.
TEST_CASE("Concat and Split over long rows in pieces place every element", "[kernels]") {
  std::mt19937 rng(7);
  runtime::ThreadPool pool(2);
  const ir::Tensor a = random_tensor({2, 3, 9000}, rng), b = random_tensor({2, 4, 9000}, rng);
  ir::Node concat = make_node("Concat", 2);
  concat.attrs.set("axis", int64_t{1});
  const ir::Tensor y = runtime::Executor::run_node(concat, {&a, &b}, pool)[0];
  REQUIRE(y.shape() == ir::Shape{2, 7, 9000});
  const auto yv = y.values<float>(), av = a.values<float>(), bv = b.values<float>();
  for (size_t o = 0; o < 2; ++o)
    for (size_t i = 0; i < 7 * 9000; ++i)
      REQUIRE(yv[o * 63000 + i] == (i < 27000 ? av[o * 27000 + i] : bv[o * 36000 + i - 27000]));
  ir::Node split = make_node("Split", 2, 2);
  split.attrs.set("axis", int64_t{1});
  const ir::Tensor sizes = ir::Tensor::from<int64_t>({2}, {3, 4});
  const auto parts = runtime::Executor::run_node(split, {&y, &sizes}, pool);
  REQUIRE(std::memcmp(parts[0].raw(), a.raw(), a.nbytes()) == 0);
  REQUIRE(std::memcmp(parts[1].raw(), b.raw(), b.nbytes()) == 0);
}
