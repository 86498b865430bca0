// The Executor's channel-blocked plan (runtime/layout_plan.h) must give the
// bits of the NCHW run on every output: its kernels compute each value as
// the plain ones do. A small network with every kind of node the plan
// rewrites, converts or leaves alone, run both ways.
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <random>
#include <set>
#include <string_view>

#include "graph_builder.h"
#include "runtime/executor.h"
#include "runtime/kernels/helpers/packed_gemm.h"
#include "runtime/layout_plan.h"

using namespace rknnc;
using Ints = std::vector<int64_t>;

namespace {

struct Net {
  test::GraphBuilder b;
  std::string conv(const std::string& x, int64_t cin, int64_t cout, int64_t k, ir::Shape out,
                   std::initializer_list<std::pair<const char*, ir::Attribute>> attrs, int64_t group = 1) {
    const std::string n = std::to_string(++convs);
    const auto w = b.constant("w" + n, b.random({cout, cin / group, k, k}));
    const auto bias = b.constant("b" + n, b.random({cout}));
    auto y = b.node("Conv", {x, w, bias}, std::move(out), attrs);
    b.last().attrs.set("group", group);
    return y;
  }
  int convs = 0;
};

// An RGB stem, a depthwise conv with a Clip, a BatchNormalization and Relu,
// a dilated 3x3, a residual Add, a small-plane 3x3 (kept NCHW), a strided
// 1x1, Concats of NCHW and of blocked values, odd channel counts (20, 24,
// 40), a padded MaxPool and a dilated one with ceil_mode, an AveragePool (an op that reads NCHW) feeding a
// conv (an NCHW input of 40 channels), and blocked values read as graph
// outputs and by a Flatten.
ir::Graph network() {
  Net n;
  auto& b = n.b;
  const auto x = b.input("x", {1, 3, 32, 32});
  const Ints p1{1, 1, 1, 1}, s2{2, 2};
  const auto c0 = n.conv(x, 3, 24, 3, {1, 24, 16, 16}, {{"strides", s2}, {"pads", p1}, {"activation", std::string("Relu")}});
  const auto d1 = n.conv(c0, 24, 24, 3, {1, 24, 16, 16},
                         {{"pads", p1}, {"activation", std::string("Clip")}, {"activation_min", 0.0f},
                          {"activation_max", 0.5f}},
                         24);
  const auto p2 = n.conv(d1, 24, 40, 1, {1, 40, 16, 16}, {});
  const auto scale = b.constant("scale", b.random({40}, 0.5f, 2.0f)), shift = b.constant("shift", b.random({40}));
  const auto mean = b.constant("mean", b.random({40})), var = b.constant("var", b.random({40}, 0.5f, 2.0f));
  const auto n3 = b.node("BatchNormalization", {p2, scale, shift, mean, var}, {1, 40, 16, 16});
  const auto r4 = b.node("Relu", {n3}, {1, 40, 16, 16});
  const auto c5 = n.conv(r4, 40, 40, 3, {1, 40, 16, 16}, {{"pads", Ints{2, 2, 2, 2}}, {"dilations", Ints{2, 2}}});
  const auto a6 = b.node("Add", {c5, p2}, {1, 40, 16, 16});
  const auto c7 = n.conv(a6, 40, 32, 3, {1, 32, 8, 8}, {{"strides", s2}, {"pads", p1}, {"activation", std::string("SiLU")}});
  const auto c8 = n.conv(a6, 40, 32, 1, {1, 32, 8, 8}, {{"strides", s2}});
  const auto k9 = b.node("Concat", {c7, c8}, {1, 64, 8, 8}, {{"axis", int64_t{1}}});
  const auto c10 = n.conv(k9, 64, 20, 1, {1, 20, 8, 8}, {});
  const auto f11 = b.node("Flatten", {a6}, {1, 40 * 256});
  const auto m12 = b.node("AveragePool", {a6}, {1, 40, 8, 8}, {{"kernel_shape", Ints{2, 2}}, {"strides", s2}});
  const auto c13 = n.conv(m12, 40, 32, 1, {1, 32, 8, 8}, {});
  const auto a14 = b.node("Add", {c13, c8}, {1, 32, 8, 8});
  const auto c15 = n.conv(a14, 32, 20, 1, {1, 20, 8, 8}, {});
  const auto mp = b.node("MaxPool", {a14}, {1, 32, 8, 8}, {{"kernel_shape", Ints{3, 3}}, {"pads", p1}});
  const auto k16 = b.node("Concat", {mp, c8}, {1, 64, 8, 8}, {{"axis", int64_t{-3}}});
  const auto c17 = n.conv(k16, 64, 24, 1, {1, 24, 8, 8}, {});
  const auto mp2 = b.node("MaxPool", {a14}, {1, 32, 4, 4},
                          {{"kernel_shape", Ints{2, 2}}, {"dilations", Ints{2, 2}}, {"strides", s2}, {"ceil_mode", int64_t{1}}});
  const auto c18 = n.conv(mp2, 32, 16, 1, {1, 16, 4, 4}, {});
  for (const auto& out : {c10, f11, d1, c15, c17, c18}) b.output(out);
  return b.build();
}

std::map<std::string, ir::Tensor> run(const ir::Graph& g, const ir::Tensor& x, bool plain) {
  if (plain) setenv("RKNNC_LAYOUT", "plain", 1);
  runtime::ThreadPool pool(2);
  const runtime::Executor ex(g, pool);
  if (plain) unsetenv("RKNNC_LAYOUT");
  return ex.run({{"x", x}});
}

// The graph's output from input x (random, seed), run NCHW and blocked: the same bytes.
void same_bits_both_ways(const ir::Graph& g, uint32_t seed) {
  test::GraphBuilder inputs(seed);
  const ir::Tensor x = inputs.random(g.values.at("x").shape);
  const auto plain = run(g, x, true), blocked = run(g, x, false);
  const ir::Tensor& p = plain.at(g.outputs[0]);
  const ir::Tensor& b = blocked.at(g.outputs[0]);
  REQUIRE(p.shape() == b.shape());
  CHECK(std::memcmp(p.raw(), b.raw(), p.nbytes()) == 0);
}

}  // namespace

TEST_CASE("the channel-blocked plan gives the NCHW run's bits", "[kernels][fp32]") {
  const ir::Graph g = network();
  test::GraphBuilder inputs(7);
  const ir::Tensor x = inputs.random({1, 3, 32, 32});
  const auto plain = run(g, x, true), blocked = run(g, x, false);
  REQUIRE(plain.size() == g.outputs.size());
  for (const auto& name : g.outputs) {
    INFO(name);
    const ir::Tensor& a = plain.at(name);
    const ir::Tensor& b = blocked.at(name);
    REQUIRE(a.shape() == b.shape());
    CHECK(std::memcmp(a.raw(), b.raw(), a.nbytes()) == 0);
  }
}

TEST_CASE("the channel-blocked plan rewrites what it should", "[kernels][fp32]") {
  const ir::Graph g = network();
  const runtime::LayoutPlan plan = runtime::plan_layout(g);
  if (runtime::kernels::gemm_isa() != runtime::Isa::Avx512) {
    CHECK(plan.nodes.empty());  // the direct kernel has AVX-512 tiles only
    return;
  }
  std::multiset<std::string> ops;
  for (const ir::Node* n : plan.nodes) ops.insert(n->op_type);
  // NCHW: c13, whose input comes from AveragePool (then made blocked for
  // the Add). The 3x3 on 8x8 (c7) runs blocked on gathered windows.
  CHECK(ops.count("rknnc.ConvBlocked") == 10);
  CHECK(ops.count("Conv") == 1);
  CHECK(ops.count("rknnc.BatchNormalizationBlocked") == 1);
  CHECK(ops.count("rknnc.ToBlocked") == 1);
  CHECK(ops.count("rknnc.MaxPoolBlocked") == 2);
  CHECK(ops.count("rknnc.ToPlain") == 6);  // d1, c10, c15, c17, c18 (graph outputs), a6 (Flatten, AveragePool)
  CHECK(ops.count("Concat") == 2);         // k9 and k16, on blocks
  // a6 = c5 + p2 runs inside c5 (which only a6 reads); a14 stays: c8 has other readers, c13 is converted
  CHECK(ops.count("Add") == 1);
  CHECK(ops.count("Relu") == 0);  // r4, inside n3
  for (const ir::Node* n : plan.nodes)
    if (n->op_type == "rknnc.BatchNormalizationBlocked") CHECK(n->attrs.get_string("activation", "") == "Relu");
  const auto fused = std::find_if(plan.nodes.begin(), plan.nodes.end(), [](const ir::Node* n) { return n->inputs.size() == 4; });
  REQUIRE(fused != plan.nodes.end());
  CHECK((*fused)->op_type == "rknnc.ConvBlocked");
  CHECK(std::string_view((*fused)->inputs[3]).ends_with(runtime::kBlockedSuffix));
  setenv("RKNNC_LAYOUT", "plain", 1);
  CHECK(runtime::plan_layout(g).nodes.empty());
  unsetenv("RKNNC_LAYOUT");
}

namespace {

// x -> Conv 1x1 (blocked output) -> the Conv under test -> Relu -> Conv 1x1
// to 16 channels: the test conv reads and writes blocked values whenever
// the plan runs it blocked.
ir::Graph conv_between(std::mt19937& rng, std::string& what) {
  auto pick = [&](std::initializer_list<int64_t> v) { return v.begin()[rng() % v.size()]; };
  const int64_t c = pick({16, 24, 40}), h = 9 + rng() % 6, w = 28 + rng() % 13;  // 9: the widest window, 5 at dilation 2
  const int64_t kh = pick({1, 2, 3, 5}), kw = pick({1, 2, 3, 5}), s = pick({1, 1, 2, 3}), d = pick({1, 1, 2});
  const bool dw = rng() % 4 == 0;
  const int64_t m = dw ? c : pick({8, 16, 20, 48, 64});
  const Ints pads{static_cast<int64_t>(rng() % kh), static_cast<int64_t>(rng() % kw), static_cast<int64_t>(rng() % kh),
                  static_cast<int64_t>(rng() % kw)};
  const int64_t oh = (h + pads[0] + pads[2] - (d * (kh - 1) + 1)) / s + 1;
  const int64_t ow = (w + pads[1] + pads[3] - (d * (kw - 1) + 1)) / s + 1;
  what = fmt::format("c {} m {} {}x{} on {}x{}, stride {}, dilation {}, pads {}, {}", c, m, kh, kw, h, w, s, d,
                     fmt::join(pads, " "), dw ? "depthwise" : "group 1");
  Net n;
  n.b = test::GraphBuilder(static_cast<uint32_t>(rng()));
  const auto x = n.b.input("x", {1, 3, h, w});
  const auto a = n.conv(x, 3, c, 1, {1, c, h, w}, {});
  const auto t = n.conv(a, c, m, 1, {1, m, oh, ow},
                        {{"strides", Ints{s, s}}, {"dilations", Ints{d, d}}, {"pads", pads}}, dw ? c : 1);
  n.b.last().inputs[1] = n.b.constant("wt", n.b.random({m, dw ? 1 : c, kh, kw}));  // kh x kw, not k x k
  const auto r = n.b.node("Relu", {t}, {1, m, oh, ow});
  n.b.output(n.conv(r, m, 16, 1, {1, 16, oh, ow}, {}));
  return n.b.build();
}

}  // namespace

TEST_CASE("the direct convolution gives the NCHW kernels' bits on random shapes", "[kernels][fp32]") {
  std::mt19937 rng(11);
  int direct = 0;  // cases whose conv under test the plan runs blocked
  for (int i = 0; i < 40; ++i) {
    std::string what;
    const ir::Graph g = conv_between(rng, what);
    INFO(what);
    for (const ir::Node* n : runtime::plan_layout(g).nodes)
      direct += n->name == g.nodes[1]->name && n->op_type == "rknnc.ConvBlocked";
    same_bits_both_ways(g, static_cast<uint32_t>(i));
  }
  if (runtime::kernels::gemm_isa() == runtime::Isa::Avx512) CHECK(direct >= 20);
}

TEST_CASE("a residual Add fused into the conv before it gives the NCHW run's bits", "[kernels][fp32]") {
  // y = act(conv(a)) + a for no activation, Relu (the tiles' store clamp) and
  // SiLU (a pass after the tiles), and y = act(conv(a) + a) with the
  // activation fused into the Add (a v1 resnet's Relu after the sum), on
  // 14x14 rows and a gathered 6x6 plane; the Add's operands in both orders
  for (const char* act : {"", "Relu", "SiLU", "add:Relu", "add:SiLU"})
    for (const int64_t hw : {14, 6})
      for (const bool conv_first : {true, false}) {
        INFO(act << " " << hw << "x" << hw << (conv_first ? " conv + a" : " a + conv"));
        const std::string_view spec(act);
        const bool on_add = spec.starts_with("add:");
        Net n;
        const auto x = n.b.input("x", {1, 3, hw, hw});
        const auto a = n.conv(x, 3, 32, 1, {1, 32, hw, hw}, {});
        const auto c = *act && !on_add
                           ? n.conv(a, 32, 32, 3, {1, 32, hw, hw}, {{"pads", Ints{1, 1, 1, 1}}, {"activation", std::string(act)}})
                           : n.conv(a, 32, 32, 3, {1, 32, hw, hw}, {{"pads", Ints{1, 1, 1, 1}}});
        const auto sum = conv_first ? n.b.node("Add", {c, a}, {1, 32, hw, hw}) : n.b.node("Add", {a, c}, {1, 32, hw, hw});
        if (on_add) n.b.last().attrs.set("activation", std::string(spec.substr(4)));
        n.b.output(n.conv(sum, 32, 16, 1, {1, 16, hw, hw}, {}));
        const ir::Graph g = n.b.build();
        if (runtime::kernels::gemm_isa() == runtime::Isa::Avx512) {
          const runtime::LayoutPlan plan = runtime::plan_layout(g);
          CHECK(std::none_of(plan.nodes.begin(), plan.nodes.end(), [](const ir::Node* m) { return m->op_type == "Add"; }));
        }
        same_bits_both_ways(g, 3);
      }
}

TEST_CASE("a GlobalAveragePool reads a blocked input, the widening conv before it runs blocked", "[kernels][fp32]") {
  // a classifier's tail: conv 32 -> 80 (wider than its input) on 7x7, then
  // the pool, Flatten and Gemm read NCHW: the pool now takes the blocks
  Net n;
  const auto x = n.b.input("x", {1, 3, 7, 7});
  const auto a = n.conv(x, 3, 32, 1, {1, 32, 7, 7}, {});
  const auto c = n.conv(a, 32, 80, 1, {1, 80, 7, 7}, {{"activation", std::string("Relu")}});
  const auto p = n.b.node("GlobalAveragePool", {c}, {1, 80, 1, 1});
  n.b.output(n.b.node("Flatten", {p}, {1, 80}));
  const ir::Graph g = n.b.build();
  if (runtime::kernels::gemm_isa() == runtime::Isa::Avx512) {
    std::multiset<std::string> ops;
    for (const ir::Node* m : runtime::plan_layout(g).nodes) ops.insert(m->op_type);
    CHECK(ops.count("rknnc.GlobalAveragePoolBlocked") == 1);
    CHECK(ops.count("rknnc.ConvBlocked") == 2);
    CHECK(ops.count("rknnc.ToPlain") == 1);  // the pool's one pixel, for the Flatten
  }
  same_bits_both_ways(g, 9);
}

TEST_CASE("a model's node may not name the Executor's own layout ops", "[kernels]") {
  test::GraphBuilder b;
  const auto x = b.input("x", {1, 16, 4, 4});
  b.output(b.node("rknnc.ToPlain", {x}, {1, 16, 4, 4}));
  const ir::Graph g = b.build();
  CHECK_THROWS_WITH(runtime::Executor(g), Catch::Contains("op rknnc.ToPlain is not supported"));
}
