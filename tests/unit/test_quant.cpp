// lib/quant and the int8 / fp16 simulator: requantisation arithmetic,
// calibration range search, lowering, QDQ form, accuracy analysis.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "graph_builder.h"
#include "ir/convert_float.h"
#include "ir/printer.h"
#include "quant/accuracy.h"
#include "quant/calibrate.h"
#include "quant/float16.h"
#include "quant/hybrid_proposal.h"
#include "quant/mixed_range.h"
#include "quant/prepare.h"
#include "quant/qdq_export.h"
#include "quant/quantize_graph.h"
#include "runtime/executor.h"
#include "runtime/kernels/helpers/requant.h"

namespace rknnc {
namespace {

using test::GraphBuilder;
using runtime::kernels::FixedMultiplier;

// input x[1,3,8,8] → Conv(3→8, 3x3 pad 1) + Relu → Conv(8→8) → Conv(8→4) → GlobalAveragePool → y
ir::Graph three_convs(GraphBuilder& b) {
  const auto x = b.input("x", {1, 3, 8, 8});
  const std::vector<int64_t> pads{1, 1, 1, 1};
  auto conv = [&](const std::string& in, int64_t cin, int64_t cout, const std::string& tag) {
    const auto w = b.constant("w" + tag, b.random({cout, cin, 3, 3}, -0.5f, 0.5f));
    const auto bias = b.constant("b" + tag, b.random({cout}, -0.1f, 0.1f));
    return b.node("Conv", {in, w, bias}, {1, cout, 8, 8}, {{"pads", pads}});
  };
  auto c1 = conv(x, 3, 8, "1");
  auto r1 = b.node("Relu", {c1}, {1, 8, 8, 8});
  auto c2 = conv(r1, 8, 8, "2");
  auto c3 = conv(c2, 8, 4, "3");
  b.output(b.node("GlobalAveragePool", {c3}, {1, 4, 1, 1}));
  return b.build();
}

std::vector<ir::Tensor> random_sample(uint32_t seed) {
  GraphBuilder r(seed);
  return {r.random({1, 3, 8, 8}, 0.f, 4.f)};
}

quant::Calibration calibrate(const ir::Graph& g, quant::Algorithm a = quant::Algorithm::Normal) {
  quant::CalibrationOptions o;
  o.algorithm = a;
  return quant::calibrate(g, 8, [](size_t i) { return random_sample(static_cast<uint32_t>(100 + i)); }, o);
}

ir::Tensor run_one(const ir::Graph& g, const ir::Tensor& x) {
  return runtime::Executor(g).run({{"x", x}}).begin()->second;
}

TEST_CASE("FixedMultiplier rounds half away from zero and tracks the real product") {
  const FixedMultiplier half = FixedMultiplier::from_real(0.5);
  CHECK(half.apply(3) == 2);
  CHECK(half.apply(-3) == -2);
  CHECK(half.apply(2) == 1);
  for (double m : {0.0001234, 0.37, 0.999999, 1.5, 17.25}) {
    const FixedMultiplier f = FixedMultiplier::from_real(m);
    for (int64_t acc : {int64_t{1}, int64_t{-7}, int64_t{12345}, int64_t{-987654}, int64_t{2000000000}}) {
      INFO(m << " * " << acc);
      const double want = m * static_cast<double>(acc);
      CHECK(std::abs(static_cast<double>(f.apply(acc)) - want) <= 0.5 + 1e-6 * std::abs(want));
    }
  }
  CHECK(FixedMultiplier::from_real(0).apply(1000) == 0);
}

quant::TensorStats stats_of(const std::vector<float>& v) {
  quant::TensorStats s;
  s.observe_range(v.data(), static_cast<int64_t>(v.size()));
  s.observe_histogram(v.data(), static_cast<int64_t>(v.size()));
  return s;
}

TEST_CASE("kl_divergence clips a rare outlier that normal keeps") {
  std::vector<float> v;
  std::mt19937 rng(3);
  std::normal_distribution<float> d(0.f, 1.f);
  for (int i = 0; i < 20000; ++i) v.push_back(d(rng));
  v.push_back(100.f);  // one outlier
  const quant::TensorStats s = stats_of(v);
  CHECK(quant::choose_range(s, quant::Algorithm::Normal).hi == 100.f);
  const quant::Range r = quant::choose_range(s, quant::Algorithm::KlDivergence);
  CHECK(r.hi < 20.f);
  CHECK(r.hi > 2.f);
  CHECK(r.lo < -1.f);
}

// Mean squared error of quantise-dequantise with the asymmetric int8 parameters of r.
double fake_quant_mse(const std::vector<float>& v, quant::Range r) {
  const ir::QuantParams p = quant::activation_params(r);
  double e = 0;
  for (float x : v) {
    const double q = std::clamp(std::nearbyint(static_cast<double>(x) / p.scale[0]) + p.zero_point[0], -128.0, 127.0);
    const double d = (q - p.zero_point[0]) * p.scale[0] - x;
    e += d * d;
  }
  return e / static_cast<double>(v.size());
}

TEST_CASE("mmse picks a range whose measured quantisation error is no worse than min/max") {
  std::vector<float> v;
  std::mt19937 rng(5);
  std::normal_distribution<float> d(0.f, 1.f);
  for (int i = 0; i < 200000; ++i) v.push_back(std::max(0.f, d(rng)) * 3.f);  // post-Relu Gaussian
  const quant::TensorStats s = stats_of(v);
  const quant::Range normal = quant::choose_range(s, quant::Algorithm::Normal);
  const quant::Range r = quant::choose_range(s, quant::Algorithm::Mmse);
  CHECK(r.hi < normal.hi);  // a thin long tail is worth clipping at 8 bits
  CHECK(fake_quant_mse(v, r) < fake_quant_mse(v, normal));
}

TEST_CASE("activation parameters always represent 0 exactly") {
  for (quant::Range r : {quant::Range{0.f, 6.f}, quant::Range{-3.f, 5.f}, quant::Range{2.f, 9.f}, quant::Range{-4.f, -1.f}}) {
    const ir::QuantParams p = quant::activation_params(r);
    CHECK(p.zero_point[0] >= -128);
    CHECK(p.zero_point[0] <= 127);
    const double zero = std::nearbyint(0.0 / p.scale[0]) + p.zero_point[0];
    CHECK((zero - p.zero_point[0]) * p.scale[0] == 0.0);
  }
}

TEST_CASE("int8 lowering keeps the outputs close to fp32 and is deterministic") {
  for (auto method : {quant::Method::Channel, quant::Method::Layer}) {
    GraphBuilder b;
    const ir::Graph fp = three_convs(b);
    ir::Graph q = fp;
    quant::prepare_for_int8(q);
    const auto stats = quant::quantize_graph(q, calibrate(q), method);
    ir::verify(q, "quantised");
    CHECK(stats.int8_nodes == 5);
    CHECK(stats.quantize_nodes == 1);
    CHECK(stats.dequantize_nodes == 1);
    CHECK(q.info(q.outputs[0])->dtype == ir::DataType::Float32);
    for (const auto& n : q.nodes)
      if (n->op_type == "Conv") CHECK(q.constant(n->input(1))->dtype() == ir::DataType::Int8);
    const ir::Tensor x = random_sample(7)[0];
    const ir::Tensor a = run_one(fp, x), c = run_one(q, x), c2 = run_one(q, x);
    CHECK(quant::compare_tensors(a, c).cosine > 0.99);
    CHECK(std::memcmp(c.raw(), c2.raw(), c.nbytes()) == 0);
  }
}

TEST_CASE("given parameters override calibration; own_params lists the tensors a hybrid cfg holds") {
  GraphBuilder b;
  ir::Graph plain = three_convs(b);
  quant::prepare_for_int8(plain);
  ir::Graph edited = plain;
  const quant::Calibration cal = calibrate(plain);
  const auto stats = quant::quantize_graph(plain, cal, quant::Method::Channel);
  // the outputs of Conv, Relu, Conv, Conv, GlobalAveragePool, then x (quantised for the first Conv)
  REQUIRE(stats.own_params.size() == 6);
  CHECK(stats.own_params[5] == "x");
  const std::string conv2 = stats.own_params[2];
  const quant::ParamsByTensor given = {{conv2, ir::QuantParams::per_tensor(0.5f, 3)}};
  const auto edited_stats = quant::quantize_graph(edited, cal, quant::Method::Channel, &given);
  CHECK(edited_stats.own_params == stats.own_params);
  CHECK(edited.quant.at(conv2) == given.at(conv2));
  CHECK(plain.quant.at(conv2) != given.at(conv2));
}

TEST_CASE("a hybrid float16 layer computes in half precision between Casts and keeps the tensor names") {
  GraphBuilder b;
  ir::Graph fp = three_convs(b);
  quant::prepare_for_int8(fp);
  const quant::Calibration cal = calibrate(fp);
  const std::string layer = fp.nodes[1]->outputs[0];  // the Relu after the first Conv
  ir::Graph g = fp;
  CHECK(quant::run_layers_in_float16(g, {layer}) == 1);
  ir::verify(g, "float16 layer");
  const ir::Node* half = g.producer(layer + "__f16");
  REQUIRE(half != nullptr);
  CHECK(half->op_type == "Relu");
  CHECK(g.info(half->input(0))->dtype == ir::DataType::Float16);
  CHECK(g.producer(layer)->op_type == "Cast");
  CHECK(g.info(layer)->dtype == ir::DataType::Float32);
  quant::quantize_graph(g, cal, quant::Method::Channel);
  ir::verify(g, "float16 layer, int8 elsewhere");
  CHECK(g.info(layer + "__f16")->dtype == ir::DataType::Float16);
  CHECK(g.quant.count(layer) == 0);  // the layer's output is float, its int8 reader quantises it
  const ir::Tensor x = random_sample(5)[0];
  CHECK(quant::compare_tensors(run_one(fp, x), run_one(g, x)).cosine > 0.99);
}

TEST_CASE("calibration warns about a Concat whose inputs' ranges differ more than kMixedRangeFactor") {
  for (const float wide : {640.f, 8.f}) {
    GraphBuilder b;
    const auto scores = b.input("scores", {1, 4}), boxes = b.input("boxes", {1, 4});
    b.output(b.node("Concat", {boxes, scores}, {1, 8}, {{"axis", int64_t{1}}}));
    const ir::Graph g = b.build();
    const quant::Calibration cal = quant::calibrate(g, 4, [&](size_t i) {
      GraphBuilder r(static_cast<uint32_t>(i + 1));
      return std::vector<ir::Tensor>{r.random({1, 4}, 0.f, 1.f), r.random({1, 4}, 0.f, wide)};
    });
    const auto warnings = quant::mixed_range_warnings(g, cal);
    if (wide > quant::kMixedRangeFactor) {
      REQUIRE(warnings.size() == 1);
      CHECK(warnings[0].find("input 'scores'") != std::string::npos);
      CHECK(warnings[0].find("input 'boxes'") != std::string::npos);
      CHECK(quant::mixed_range_warnings(g, cal, {g.outputs[0]}).empty());  // a float16 Concat is fine
    } else {
      CHECK(warnings.empty());
    }
  }
}

TEST_CASE("hybrid proposal: a mixed-range Concat first, with its cosines; within max_layers; deterministic") {
  GraphBuilder b;
  const auto scores = b.input("scores", {1, 4}), boxes = b.input("boxes", {1, 4});
  const auto joined = b.node("Concat", {boxes, scores}, {1, 8}, {{"axis", int64_t{1}}});
  b.output(b.node("Relu", {joined}, {1, 8}));
  const ir::Graph g = b.build();
  auto sample = [](size_t i) {
    GraphBuilder r(static_cast<uint32_t>(i + 1));
    return std::vector<ir::Tensor>{r.random({1, 4}, 0.f, 1.f), r.random({1, 4}, 0.f, 640.f)};
  };
  const quant::Calibration cal = quant::calibrate(g, 4, sample);
  quant::ProposalInput in{&g, &cal, quant::Method::Channel, {{joined, 0.5}, {g.outputs[0], 0.9}}, {}};
  for (size_t i = 0; i < 4; ++i) {
    const std::vector<ir::Tensor> t = sample(i);
    in.samples.push_back({{"scores", t[0]}, {"boxes", t[1]}});
  }
  const quant::Proposal p = quant::propose_float16_layers(in, {}, nullptr);
  REQUIRE(p.layers.size() == 2);  // the Concat and its int8 reader
  CHECK(p.layers[0].tensor == joined);
  CHECK(p.layers[0].comment.find("mixed ranges: input 'scores'") != std::string::npos);
  CHECK(p.layers[1].tensor == g.outputs[0]);
  CHECK(p.layers[1].comment.find("reads '" + joined + "'") != std::string::npos);
  CHECK(p.cos >= p.plain_cos);
  const quant::Proposal again = quant::propose_float16_layers(in, {}, nullptr);
  CHECK(again.layers[0].comment == p.layers[0].comment);
  const quant::Proposal one = quant::propose_float16_layers(in, {quant::kDefaultTargetCos, 1}, nullptr);
  CHECK(one.layers.size() <= 1);  // the Concat needs its reader too: the pair does not fit into one layer
  CHECK(one.summary.back().find("do not fit into --max-layers 1") != std::string::npos);
}

TEST_CASE("QDQ form has float compute between DequantizeLinear and QuantizeLinear") {
  GraphBuilder b;
  ir::Graph q = three_convs(b);
  quant::prepare_for_int8(q);
  quant::quantize_graph(q, calibrate(q), quant::Method::Channel);
  const ir::Graph qdq = quant::to_qdq_graph(q);
  ir::verify(qdq, "qdq");
  CHECK(qdq.quant.empty());
  for (const auto& n : qdq.nodes) {
    if (n->op_type == "QuantizeLinear" || n->op_type == "DequantizeLinear") continue;
    for (const auto& in : n->inputs) {
      const ir::Tensor* c = qdq.constant(in);
      const ir::DataType t = c ? c->dtype() : qdq.info(in)->dtype;
      if (n->op_type == "Conv" || n->op_type == "Relu") CHECK(t == ir::DataType::Float32);
    }
  }
  // Dequantised int8 outputs agree with the QDQ graph run in float within one step.
  const ir::Tensor x = random_sample(9)[0];
  const ir::Tensor a = run_one(q, x), c = run_one(qdq, x);
  const float step = q.quant.begin()->second.scale[0];
  (void)step;
  CHECK(quant::compare_tensors(a, c).cosine > 0.999);
}

TEST_CASE("accuracy analysis flags the layer whose weight scale was tampered with") {
  GraphBuilder b;
  const ir::Graph fp = three_convs(b);
  ir::Graph golden = fp;
  quant::prepare_for_int8(golden);
  ir::Graph q = golden;
  quant::quantize_graph(q, calibrate(golden), quant::Method::Channel);
  std::string conv2, w2;
  int seen = 0;
  for (const auto& n : q.nodes)
    if (n->op_type == "Conv" && ++seen == 2) conv2 = n->outputs[0], w2 = n->input(1);
  REQUIRE(!w2.empty());
  for (float& s : q.quant.at(w2).scale) s *= 3.f;  // every weight of conv 2 now dequantises 3x too large
  const auto analysis = quant::analyse_accuracy(golden, q, {{"x", random_sample(11)[0]}});
  std::vector<std::string> flagged;
  for (const auto& l : analysis.layers)
    if (l.flagged) flagged.push_back(l.tensor);
  CHECK(flagged == std::vector<std::string>{conv2});
  CHECK(analysis.golden.size() == analysis.simulator.size());
}

TEST_CASE("float16 simulation rounds to half and overflows to inf") {
  GraphBuilder b;
  const auto x = b.input("x", {1, 4});
  const auto k = b.constant("k", {1, 4}, {1000.f, 1000.f, 0.1f, 1.f});
  b.output(b.node("Mul", {x, k}, {1, 4}));
  ir::Graph g = b.build();
  quant::convert_to_float16(g);
  ir::verify(g, "fp16");
  std::ostringstream text;
  ir::print(g, text);
  INFO(text.str());
  const ir::Tensor y = run_one(g, ir::Tensor::from<float>({1, 4}, {100.f, 70.f, 0.1f, 3.14159f}));
  REQUIRE(y.dtype() == ir::DataType::Float32);
  const auto v = y.values<float>();
  CHECK(std::isinf(v[0]));      // 100000 > 65504
  CHECK(std::isinf(v[1]));      // 70000 > 65504 as well
  CHECK(std::abs(v[2] - 0.01f) < 1e-4f);
  CHECK(v[2] != 0.1f * 0.1f);   // rounded to half
  CHECK(std::abs(v[3] - 3.14159f) < 2e-3f);
}

// Every value in the bin its own value gives on the final grid: growing the
// range (pairs of bins merging) never moves a count to a wrong bin.
void check_counts_on_final_grid(const quant::TensorStats& s, const std::vector<std::vector<float>>& samples) {
  const auto& h = s.histogram();
  REQUIRE(h.size() >= quant::TensorStats::kMaxBins / 2);
  REQUIRE(h.size() <= quant::TensorStats::kMaxBins);
  std::vector<uint64_t> want(h.size(), 0);
  for (const auto& v : samples)
    for (float x : v) {
      if (x == 0.f) continue;
      const double b = std::floor((x - s.hist_lo()) / s.bin_width());
      REQUIRE(b >= 0);
      REQUIRE(b < static_cast<double>(h.size()));
      ++want[static_cast<size_t>(b)];
    }
  CHECK(h == want);
}

TEST_CASE("the one-pass histogram grows with the range and keeps every count in its bin") {
  std::mt19937 rng(11);
  std::vector<std::vector<float>> samples;
  quant::TensorStats s;
  // The first sample is one value (counted once the range opens), then the range widens 3 times, on both sides.
  samples.push_back(std::vector<float>(50, 0.75f));
  for (float spread : {0.01f, 1.f, 30.f, 900.f}) {
    std::normal_distribution<float> d(0.2f, spread);
    std::vector<float> v(5000);
    for (float& x : v) x = d(rng);
    v[7] = 0.f;  // zeros are left out
    samples.push_back(v);
  }
  for (const auto& v : samples) {
    s.observe_range(v.data(), static_cast<int64_t>(v.size()));
    s.observe_histogram(v.data(), static_cast<int64_t>(v.size()));
  }
  check_counts_on_final_grid(s, samples);
  CHECK(s.hist_lo() <= s.min());
  CHECK(s.hist_lo() + s.bin_width() * static_cast<double>(s.histogram().size()) > s.max());
}

TEST_CASE("the histogram follows a range that grows by 30 orders of magnitude") {
  std::vector<std::vector<float>> samples = {{1.0f, 1.0001f, 1.0002f}, {-3e30f, 2e30f, 5.0f}};
  quant::TensorStats s;
  for (const auto& v : samples) {
    s.observe_range(v.data(), static_cast<int64_t>(v.size()));
    s.observe_histogram(v.data(), static_cast<int64_t>(v.size()));
  }
  check_counts_on_final_grid(s, samples);
}

TEST_CASE("a tensor counted in parts gives the histogram of counting it whole") {
  std::mt19937 rng(12);
  std::normal_distribution<float> d(1.f, 3.f);
  std::vector<float> a(10000), b(7000);
  for (float& x : a) x = d(rng);
  for (float& x : b) x = 4 * d(rng);
  quant::TensorStats whole, parted;
  for (const auto* v : {&a, &b}) {
    const int64_t n = static_cast<int64_t>(v->size());
    whole.observe_range(v->data(), n);
    whole.observe_histogram(v->data(), n);
    quant::TensorStats lo, hi;  // two parts, as calibrate() splits a tensor over threads
    lo.observe_range(v->data(), n / 3);
    hi.observe_range(v->data() + n / 3, n - n / 3);
    parted.merge_range(hi);
    parted.merge_range(lo);
    parted.cover_range();
    quant::TensorStats c1 = parted.counts_like(), c2 = parted.counts_like();
    c1.count(v->data(), n / 3);
    c2.count(v->data() + n / 3, n - n / 3);
    parted.add_counts(c2);
    parted.add_counts(c1);
  }
  CHECK(parted.min() == whole.min());
  CHECK(parted.max() == whole.max());
  CHECK(parted.hist_lo() == whole.hist_lo());
  CHECK(parted.bin_width() == whole.bin_width());
  CHECK(parted.histogram() == whole.histogram());
}

}  // namespace
}  // namespace rknnc
