// lib/compiler: NC1HWC2 and weight packing, the interval packer, core split,
// placement (target limits, op_target), the Program run in its arena against
// the IR simulator, and the program section of the .rknn.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <random>

#include "compiler/compile.h"
#include "compiler/layout.h"
#include "compiler/memory_plan.h"
#include "compiler/multicore.h"
#include "compiler/cost_model.h"
#include "driver/compile_stage.h"
#include "format/rknn_file.h"
#include "graph_builder.h"
#include "quant/calibrate.h"
#include "quant/prepare.h"
#include "quant/quantize_graph.h"
#include "runtime/executor.h"
#include "runtime/program_runner.h"
#include "test_config_util.h"

namespace rknnc {
namespace {

using test::GraphBuilder;

std::vector<int8_t> iota_bytes(int64_t n) {
  std::vector<int8_t> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = static_cast<int8_t>(i % 127 + 1);
  return v;
}

// x[1,cin,h,w] → Conv(k×k, pad k/2) → Relu → Conv(3×3) → y; quantised when
// `int8`. With `join` ("Add" or "Concat") the second Conv keeps 24 channels
// and y joins it with the Relu (a value read twice, with another value
// written in between): Add reads the NC1HWC2 blocks raw; Concat unpacks
// them, and its graph has a MaxPool (3x3, stride 1) instead of the Relu, a
// value stored whole rather than on its blocks.
ir::Graph conv_net(int64_t cin, int64_t h, int64_t k, bool int8, const std::string& join = "") {
  GraphBuilder b;
  const auto x = b.input("x", {1, cin, h, h});
  const std::vector<int64_t> pads1(4, k / 2), pads3(4, 1);
  const auto w1 = b.constant("w1", b.random({24, cin, k, k}, -0.3f, 0.3f));
  const auto c1 = b.node("Conv", {x, w1}, {1, 24, h, h}, {{"pads", pads1}});
  const auto r = join == "Concat" ? b.node("MaxPool", {c1}, {1, 24, h, h}, {{"kernel_shape", std::vector<int64_t>{3, 3}}, {"pads", pads3}})
                                   : b.node("Relu", {c1}, {1, 24, h, h});
  const int64_t m2 = join.empty() ? 20 : 24;
  const auto w2 = b.constant("w2", b.random({m2, 24, 3, 3}, -0.3f, 0.3f));
  const auto c2 = b.node("Conv", {r, w2}, {1, m2, h, h}, {{"pads", pads3}});
  if (join == "Add") b.output(b.node("Add", {c2, r}, {1, m2, h, h}));
  else if (join == "Concat") b.output(b.node("Concat", {c2, r}, {1, 2 * m2, h, h}, {{"axis", int64_t{1}}}));
  else b.output(c2);
  ir::Graph g = b.build();
  if (!int8) return g;
  quant::prepare_for_int8(g);
  const auto sample = [cin, h](size_t i) {
    GraphBuilder r(static_cast<uint32_t>(50 + i));
    return std::vector<ir::Tensor>{r.random({1, cin, h, h}, 0.f, 2.f)};
  };
  quant::quantize_graph(g, quant::calibrate(g, 4, sample, {}), quant::Method::Channel);
  return g;
}

compiler::Program compile_for(const ir::Graph& g, const std::string& target, std::vector<std::string>& warnings,
                              compiler::CompileOptions o = {}) {
  return compiler::compile(g, target::find_target(target), o, warnings);
}

ir::Tensor run_both_and_compare(const ir::Graph& g, const compiler::Program& p, uint32_t seed) {
  GraphBuilder r(seed);
  const auto& shape = g.info(g.inputs[0])->shape;
  const runtime::TensorMap in{{g.inputs[0], r.random(shape, 0.f, 2.f)}};
  const ir::Tensor ref = runtime::Executor(g).run(in).at(g.outputs[0]);
  const ir::Tensor got = runtime::ProgramRunner(g, p).run(in).at(g.outputs[0]);
  REQUIRE(got.shape() == ref.shape());
  CHECK(std::memcmp(got.raw(), ref.raw(), ref.nbytes()) == 0);
  return got;
}

}  // namespace

TEST_CASE("NC1HWC2 puts (n, c, h, w) where 004 §5.1 says and pads the last block with zeros", "[compiler]") {
  const std::vector<int64_t> s{2, 5, 3, 2};
  const int c2 = 4;
  const auto src = iota_bytes(2 * 5 * 3 * 2);
  std::vector<int8_t> packed(static_cast<size_t>(compiler::nc1hwc2_bytes(s, c2, 1)), 99);
  CHECK(packed.size() == 2 * 2 * 3 * 2 * 4);
  compiler::pack_nc1hwc2(src.data(), packed.data(), s, c2, 1);
  for (int64_t n = 0; n < 2; ++n)
    for (int64_t c = 0; c < 8; ++c)
      for (int64_t h = 0; h < 3; ++h)
        for (int64_t w = 0; w < 2; ++w) {
          const auto at = static_cast<size_t>(((n * 2 + c / c2) * 3 * 2 + h * 2 + w) * c2 + c % c2);
          const int8_t want = c < 5 ? src[static_cast<size_t>(((n * 5 + c) * 3 + h) * 2 + w)] : 0;
          CHECK(packed[at] == want);
        }
  std::vector<int8_t> back(src.size());
  compiler::unpack_nc1hwc2(packed.data(), back.data(), s, c2, 1);
  CHECK(back == src);
}

TEST_CASE("packed Conv weights (OI1HWI2) round-trip for every C2 and element size", "[compiler]") {
  for (int c2 : {4, 8, 16})
    for (size_t es : {size_t{1}, size_t{2}}) {
      const std::vector<int64_t> oihw{6, 11, 3, 3};
      const auto src = iota_bytes(6 * 11 * 9 * static_cast<int64_t>(es));
      std::vector<int8_t> packed(static_cast<size_t>(compiler::packed_weight_bytes(oihw, c2, es)));
      compiler::pack_weights(src.data(), packed.data(), oihw, c2, es);
      std::vector<int8_t> back(src.size());
      compiler::unpack_weights(packed.data(), back.data(), oihw, c2, es);
      CHECK(back == src);
    }
}

// Found by fuzz_rknn: a decrypted constants section put float16 weights at an
// odd address, and the typed copy was a misaligned load (UBSan).
TEST_CASE("packed weights unpack from and pack to addresses not aligned for their element size", "[compiler]") {
  for (size_t es : {size_t{2}, size_t{4}, size_t{8}}) {
    const std::vector<int64_t> oihw{5, 7, 3, 3};
    const auto src = iota_bytes(5 * 7 * 9 * static_cast<int64_t>(es));
    std::vector<int8_t> packed(static_cast<size_t>(compiler::packed_weight_bytes(oihw, 8, es)) + 1);
    std::vector<int8_t> odd_src(src.size() + 1);
    std::copy(src.begin(), src.end(), odd_src.begin() + 1);
    compiler::pack_weights(odd_src.data() + 1, packed.data() + 1, oihw, 8, es);
    std::vector<int8_t> back(src.size() + 1);
    compiler::unpack_weights(packed.data() + 1, back.data() + 1, oihw, 8, es);
    CHECK(std::equal(src.begin(), src.end(), back.begin() + 1));
  }
}

TEST_CASE("the interval packer never lets two live buffers share bytes", "[compiler]") {
  std::mt19937 rng(7);
  for (int round = 0; round < 50; ++round) {
    std::vector<compiler::Interval> items;
    int64_t naive = 0;
    for (int i = 0; i < 40; ++i) {
      const int first = static_cast<int>(rng() % 30);
      const int64_t bytes = 1 + static_cast<int64_t>(rng() % 5000);
      items.push_back({bytes, first, first + static_cast<int>(rng() % 8), -1});
      naive += (bytes + 63) / 64 * 64;
    }
    const int64_t extent = compiler::pack_intervals(items);
    CHECK(extent <= naive);
    for (size_t a = 0; a < items.size(); ++a) {
      CHECK(items[a].offset % compiler::kArenaAlign == 0);
      CHECK(items[a].offset + items[a].bytes <= extent);
      for (size_t b = a + 1; b < items.size(); ++b) {
        const bool live_together = items[a].first <= items[b].last && items[b].first <= items[a].last;
        const bool share = items[a].offset < items[b].offset + items[b].bytes &&
                           items[b].offset < items[a].offset + items[a].bytes;
        CHECK_FALSE((live_together && share));
      }
    }
  }
  std::vector<compiler::Interval> two{{100, 0, 5, -1}, {100, 1, 2, -1}};
  CHECK(compiler::pack_intervals(two, 128) == 128);  // the second does not fit beside the first
  CHECK(two[1].offset == -1);
}

TEST_CASE("core split shares output blocks evenly and only when it pays", "[compiler]") {
  CHECK(compiler::split_shares(5, 3) == std::vector<double>{40.0, 40.0, 20.0});
  CHECK(compiler::split_shares(2, 3) == std::vector<double>{50.0, 50.0, 0.0});
  CHECK(compiler::decide_split(12, 3, 100.0, 5.0).largest_share == Approx(1.0 / 3.0));
  CHECK(compiler::decide_split(12, 3, 6.0, 5.0).workload == std::vector<double>{100.0, 0.0, 0.0});
  CHECK(compiler::decide_split(12, 1, 100.0, 5.0).workload == std::vector<double>{100.0});
}

TEST_CASE("every target's Program runs bit-exact to the IR simulator", "[compiler]") {
  const ir::Graph g = conv_net(3, 12, 3, true);
  for (const auto& t : target::load_all_targets()) {
    INFO(t.name);
    std::vector<std::string> warnings;
    const compiler::Program p = compile_for(g, t.name, warnings);
    int npu = 0, reorders = 0;
    for (const auto& s : p.steps) {
      npu += s.device == compiler::Device::Npu;
      reorders += s.kind == compiler::Step::Kind::Reorder;
    }
    if (std::find(t.dtypes.begin(), t.dtypes.end(), "int8") != t.dtypes.end()) {
      CHECK(npu == 3);       // Conv, Relu, Conv (no fusion pass ran here)
      CHECK(runtime::ProgramRunner(g, p).steps_on_blocks() == 1);  // the Relu, on the padded blocks
      CHECK(reorders == 2);  // into NC1HWC2 after QuantizeLinear, back before DequantizeLinear
    } else {
      CHECK(npu == 0);  // an int8 graph on a float-only NPU runs on the CPU, with a warning
      CHECK_FALSE(warnings.empty());
    }
    CHECK(p.memory.internal_bytes <= p.memory.naive_internal_bytes);
    CHECK(p.total_time_us > 0);
    run_both_and_compare(g, p, 3);
  }
}

// The runner skips unpacking (and packing) bytes no step reads: a plan that
// puts a buffer over one still to be read must still corrupt what is read.
TEST_CASE("a memory plan overlapping two live buffers shows up as a wrong result", "[compiler]") {
  const std::string join = GENERATE(std::string("Add"), std::string("Concat"));
  INFO(join);
  const ir::Graph g = conv_net(3, 12, 3, true, join);
  std::vector<std::string> plan_warnings;
  run_both_and_compare(g, compile_for(g, "rk3588", plan_warnings), 4);  // the plan as compiled is right
  std::vector<std::string> warnings;
  const compiler::Program good = compile_for(g, "rk3588", warnings);
  std::vector<int> written(good.buffers.size(), -1), last_read(good.buffers.size(), -1);
  for (size_t k = 0; k < good.steps.size(); ++k) {
    for (int o : good.steps[k].outputs) written[static_cast<size_t>(o)] = static_cast<int>(k);
    for (int i : good.steps[k].inputs)
      if (i >= 0) last_read[static_cast<size_t>(i)] = static_cast<int>(k);
  }
  int broken = 0;
  for (size_t a = 0; a < good.buffers.size(); ++a)
    for (size_t b = 0; b < good.buffers.size(); ++b) {
      const bool internal = good.buffers[a].region == compiler::Region::Internal &&
                            good.buffers[b].region == compiler::Region::Internal;
      // b is written while a is still to be read, by a later step than a's reader would allow
      if (!internal || a == b || !(written[a] < written[b] && written[b] < last_read[a])) continue;
      compiler::Program p = good;
      p.buffers[b].offset = p.buffers[a].offset;
      p.memory.internal_bytes += good.buffers[b].bytes;
      GraphBuilder r(5);
      const runtime::TensorMap in{{g.inputs[0], r.random(g.info(g.inputs[0])->shape, 0.f, 2.f)}};
      const ir::Tensor ref = runtime::Executor(g).run(in).at(g.outputs[0]);
      const ir::Tensor got = runtime::ProgramRunner(g, p).run(in).at(g.outputs[0]);
      INFO(good.buffers[b].value << " over " << good.buffers[a].value);
      CHECK(std::memcmp(got.raw(), ref.raw(), ref.nbytes()) != 0);
      ++broken;
    }
  CHECK(broken > 0);
}

TEST_CASE("a kernel beyond the target's limit runs on the CPU with a warning and still matches", "[compiler]") {
  const target::Target t = target::find_target("rk3588");
  REQUIRE(t.npu.limits.max_kernel > 0);
  const int64_t k = t.npu.limits.max_kernel + 2;
  const ir::Graph g = conv_net(2, k + 3, k, true);
  std::vector<std::string> warnings;
  const compiler::Program p = compile_for(g, "rk3588", warnings);
  const auto& first_conv = p.steps[1];  // after QuantizeLinear; no reorder, both on the CPU
  REQUIRE(first_conv.op_type == "Conv");
  CHECK(first_conv.device == compiler::Device::Cpu);
  CHECK_THAT(first_conv.placement_reason, Catch::Contains("exceeds rk3588's NPU limit max_kernel"));
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0], Catch::Contains("run on the CPU: kernel"));
  run_both_and_compare(g, p, 4);
}

TEST_CASE("op_target moves a node to the CPU and rejects what it cannot do", "[compiler]") {
  const ir::Graph g = conv_net(3, 8, 3, true);
  std::string relu_out;
  for (const auto& n : g.nodes)
    if (n->op_type == "Relu") relu_out = n->outputs[0];
  compiler::CompileOptions o;
  o.placement.op_target_where = "m.yml: configs.op_target";
  o.placement.op_target = {{relu_out, "cpu"}};
  std::vector<std::string> warnings;
  const compiler::Program p = compile_for(g, "rk3566", warnings, o);
  int cpu_relu = 0;
  for (const auto& s : p.steps) cpu_relu += s.op_type == "Relu" && s.device == compiler::Device::Cpu;
  CHECK(cpu_relu == 1);
  run_both_and_compare(g, p, 5);

  o.placement.op_target = {{relu_out + "x", "cpu"}};
  testing::expect_error(ExitCode::Usage, [&] { compile_for(g, "rk3566", warnings, o); });
  o.placement.op_target = {{relu_out, "gpu"}};
  testing::expect_error(ExitCode::Usage, [&] { compile_for(g, "rk3566", warnings, o); });
  o.placement.op_target = {{g.nodes.front()->outputs[0], "npu"}};  // QuantizeLinear stays on the CPU
  testing::expect_error(ExitCode::Usage, [&] { compile_for(g, "rk3566", warnings, o); });
}

TEST_CASE("single_core_mode keeps every op on core 0; otherwise big Convs split", "[compiler]") {
  const ir::Graph g = conv_net(16, 64, 3, true);
  std::vector<std::string> warnings;
  compiler::CompileOptions single;
  single.single_core_mode = true;
  const compiler::Program one = compile_for(g, "rk3588", warnings, single);
  const compiler::Program three = compile_for(g, "rk3588", warnings);
  CHECK(one.cores == 1);
  CHECK(three.cores == 3);
  bool split = false;
  for (const auto& s : three.steps) split = split || (s.workload.size() == 3 && s.workload[1] > 0);
  CHECK(split);
  CHECK(three.total_time_us < one.total_time_us);
  run_both_and_compare(g, three, 6);
}

TEST_CASE("the program section round-trips through the .rknn and a broken one is a clean error", "[compiler]") {
  const ir::Graph g = conv_net(3, 8, 3, true);
  std::vector<std::string> warnings;
  format::RknnModel m;
  m.graph = g;
  m.model_name = "m";
  m.target = "rk3588";
  m.programs = {compile_for(g, "rk3588", warnings)};
  const std::string bytes = format::serialize_rknn(m);
  const format::RknnModel back = format::parse_rknn(bytes, "m.rknn");
  REQUIRE(back.programs.size() == 1);
  CHECK(format::serialize_rknn(back) == bytes);
  run_both_and_compare(back.graph, back.programs[0], 8);

  format::RknnModel broken = m;
  broken.programs[0].buffers[0].bytes += 1;  // disagrees with its shape and layout
  testing::expect_error(ExitCode::Conversion, [&] { format::parse_rknn(format::serialize_rknn(broken), "b.rknn"); });
  broken = m;
  broken.programs[0].steps[1].inputs = {1000};
  testing::expect_error(ExitCode::Conversion, [&] { format::parse_rknn(format::serialize_rknn(broken), "b.rknn"); });
}

}  // namespace rknnc

namespace rknnc {
namespace {

// x[1,32,8,8] → Conv 3×3 (32→32) → y, int8. `keep(o, i)` says which weights
// stay non-zero (the structured-sparse pattern of 004 §5.11.1).
template <typename Keep>
ir::Graph sparse_conv_net(Keep keep) {
  GraphBuilder b;
  const auto x = b.input("x", {1, 32, 8, 8});
  ir::Tensor w = b.random({32, 32, 3, 3}, 0.05f, 0.3f);
  for (int64_t o = 0; o < 32; ++o)
    for (int64_t i = 0; i < 32; ++i)
      if (!keep(o, i))
        for (int64_t k = 0; k < 9; ++k) w.data<float>()[(o * 32 + i) * 9 + k] = 0.0f;
  const auto wc = b.constant("w", w);
  b.output(b.node("Conv", {x, wc}, {1, 32, 8, 8}, {{"pads", std::vector<int64_t>(4, 1)}}));
  ir::Graph g = b.build();
  quant::prepare_for_int8(g);
  const auto sample = [](size_t i) {
    GraphBuilder r(static_cast<uint32_t>(70 + i));
    return std::vector<ir::Tensor>{r.random({1, 32, 8, 8}, 0.f, 2.f)};
  };
  quant::quantize_graph(g, quant::calibrate(g, 4, sample, {}), quant::Method::Channel);
  return g;
}

const compiler::Step& conv_step(const compiler::Program& p) {
  for (const auto& s : p.steps)
    if (s.op_type == "Conv") return s;
  FAIL("no Conv step");
  return p.steps.front();
}

}  // namespace

TEST_CASE("sparse_infer: 4:2 / 16:4 sparse Conv weights cost less on rk3576, dense ones do not", "[compiler]") {
  const ir::Graph ic42 = sparse_conv_net([](int64_t, int64_t i) { return i % 4 < 2; });
  const ir::Graph oc42 = sparse_conv_net([](int64_t o, int64_t) { return o % 4 == 1 || o % 4 == 3; });
  const ir::Graph s164 = sparse_conv_net([](int64_t o, int64_t i) { return (o + i) % 4 == 0; });
  const ir::Graph dense = sparse_conv_net([](int64_t, int64_t) { return true; });
  std::vector<std::string> warnings;
  compiler::CompileOptions on;
  on.sparse_infer = true;
  const auto cost = [&](const ir::Graph& g, const compiler::CompileOptions& o) {
    return conv_step(compile_for(g, "rk3576", warnings, o)).cost;
  };
  const compiler::StepCost base = cost(ic42, {}), sparse = cost(ic42, on);
  CHECK(base.sparse_kept == 1.0);
  CHECK(sparse.sparse_kept == 0.5);
  CHECK(sparse.array_macs * 2 == base.array_macs);
  CHECK(sparse.npu_cycles < base.npu_cycles);
  CHECK(sparse.macs == base.macs);  // the useful work is the same
  CHECK(cost(oc42, on).sparse_kept == 0.5);
  CHECK(cost(s164, on).sparse_kept == 0.25);
  CHECK(cost(dense, on).sparse_kept == 1.0);
  // Off RK3576 the option changes nothing (the driver refuses it first).
  CHECK(conv_step(compile_for(ic42, "rk3588", warnings, on)).cost.sparse_kept == 1.0);
  // The Program still runs bit-exact: sparsity only changes the estimate.
  run_both_and_compare(ic42, compile_for(ic42, "rk3576", warnings, on), 9);
  // §5.11.4: group-1 2-D Conv with 32-aligned channels only.
  const ir::Graph narrow = conv_net(3, 8, 3, true);  // 3 → 24 channels, weights not sparse either
  for (const auto& n : narrow.nodes)
    if (n->op_type == "Conv") CHECK(compiler::sparse_kept_share(*n, narrow) == 1.0);
  for (const auto& n : s164.nodes)
    if (n->op_type == "Conv") CHECK(compiler::sparse_kept_share(*n, s164) == 0.25);
}

TEST_CASE("sparse_infer is a one-line error off RK3576", "[compiler]") {
  config::ModelConfig cfg;
  cfg.yaml_path = "model.yml";
  cfg.configs.sparse_infer = true;
  CHECK_NOTHROW(driver::check_target_support(cfg, target::find_target("rk3576")));
  const std::string msg = testing::expect_error(ExitCode::Usage, [&] {
    driver::check_target_support(cfg, target::find_target("rk3588"));
  });
  CHECK(msg == "model.yml: configs.sparse_infer is not supported for rk3588 (004 §5.11: sparse inference is RK3576 "
               "only); remove it");
  cfg.configs.sparse_infer = false;
  CHECK_NOTHROW(driver::check_target_support(cfg, target::find_target("rk3588")));
}

}  // namespace rknnc

namespace rknnc {
namespace test_compiler_recurrent {

// x[5, 1, 8] → bidirectional LSTM (hidden 6) → y[5, 2, 1, 6], float32 (a CPU op).
ir::Graph lstm_net() {
  test::GraphBuilder b;
  const auto x = b.input("x", {5, 1, 8});
  const auto w = b.constant("w", b.random({2, 24, 8}, -0.3f, 0.3f));
  const auto r = b.constant("r", b.random({2, 24, 6}, -0.3f, 0.3f));
  b.output(b.node("LSTM", {x, w, r}, {5, 2, 1, 6},
                  {{"hidden_size", int64_t{6}}, {"direction", std::string("bidirectional")}}));
  return b.build();
}

// x[5, 1, 8] → LSTM (hidden 6) → [5, 1, 1, 6] → MatMul [6, 4], int8 (the LSTM stays float).
ir::Graph int8_lstm_net() {
  test::GraphBuilder b;
  const auto x = b.input("x", {5, 1, 8});
  const auto w = b.constant("w", b.random({1, 24, 8}, -0.3f, 0.3f));
  const auto r = b.constant("r", b.random({1, 24, 6}, -0.3f, 0.3f));
  const auto y = b.node("LSTM", {x, w, r}, {5, 1, 1, 6}, {{"hidden_size", int64_t{6}}});
  b.output(b.node("MatMul", {y, b.constant("fc", b.random({6, 4}, -0.5f, 0.5f))}, {5, 1, 1, 4}));
  ir::Graph g = b.build();
  quant::prepare_for_int8(g);
  const auto sample = [](size_t i) {
    return std::vector<ir::Tensor>{test::GraphBuilder(static_cast<uint32_t>(80 + i)).random({5, 1, 8})};
  };
  quant::quantize_graph(g, quant::calibrate(g, 2, sample, {}), quant::Method::Channel);
  return g;
}

// q[1, 2, 5, 4] · k[1, 2, 6, 4] → Einsum "bhid,bhjd->bhij" → [1, 2, 5, 6].
ir::Graph einsum_net() {
  test::GraphBuilder b;
  const auto q = b.input("q", {1, 2, 5, 4});
  const auto k = b.input("k", {1, 2, 6, 4});
  b.output(b.node("Einsum", {q, k}, {1, 2, 5, 6}, {{"equation", std::string("bhid,bhjd->bhij")}}));
  return b.build();
}

}  // namespace test_compiler_recurrent

TEST_CASE("the cost model counts the MACs of recurrent ops (steps x batch x (|W| + |R|)) and of Einsum", "[compiler]") {
  const ir::Graph g = test_compiler_recurrent::lstm_net();
  std::vector<std::string> warnings;
  const compiler::Program p = compiler::compile(g, target::find_target("rk3588"), {}, warnings);
  const auto lstm = std::find_if(p.steps.begin(), p.steps.end(), [](const auto& s) { return s.op_type == "LSTM"; });
  REQUIRE(lstm != p.steps.end());
  CHECK(lstm->device == compiler::Device::Cpu);
  CHECK(lstm->cost.macs == 5 * 1 * (2 * 24 * 8 + 2 * 24 * 6));
  CHECK(lstm->cost.time_us > 0.0);

  const ir::Graph e = test_compiler_recurrent::einsum_net();
  const compiler::Program pe = compiler::compile(e, target::find_target("rk3588"), {}, warnings);
  const auto einsum = std::find_if(pe.steps.begin(), pe.steps.end(), [](const auto& s) { return s.op_type == "Einsum"; });
  REQUIRE(einsum != pe.steps.end());
  CHECK(einsum->cost.macs == 1 * 2 * 5 * 6 * 4);
}

TEST_CASE("a float op of the model reading a graph input is a CPU fallback with its warning, not the input stage",
          "[compiler]") {
  const ir::Graph g = test_compiler_recurrent::int8_lstm_net();
  std::vector<std::string> warnings;
  compiler::compile(g, target::find_target("rk3588"), {}, warnings);
  CHECK(std::any_of(warnings.begin(), warnings.end(), [](const std::string& w) {
    return w.find("LSTM is not an NPU op of rk3588") != std::string::npos;
  }));
}

TEST_CASE("NC1HWC2 int8 with C2 = 16 (the register-transpose path) equals the element-by-element layout", "[compiler]") {
  // Whole and partial channel blocks, pixel counts with and without a tail of 16.
  for (const std::vector<int64_t>& s : {std::vector<int64_t>{1, 32, 4, 8}, {2, 21, 3, 7}, {1, 16, 1, 16}, {1, 5, 5, 5}}) {
    const int64_t n = s[0] * s[1] * s[2] * s[3];
    const auto src = iota_bytes(n);
    std::vector<int8_t> packed(static_cast<size_t>(compiler::nc1hwc2_bytes(s, 16, 1)), 99);
    compiler::pack_nc1hwc2(src.data(), packed.data(), s, 16, 1);
    const int64_t c1 = (s[1] + 15) / 16, hw = s[2] * s[3];
    for (int64_t b = 0; b < s[0]; ++b)
      for (int64_t c = 0; c < c1 * 16; ++c)
        for (int64_t i = 0; i < hw; ++i) {
          const auto at = static_cast<size_t>(((b * c1 + c / 16) * hw + i) * 16 + c % 16);
          const int8_t want = c < s[1] ? src[static_cast<size_t>((b * s[1] + c) * hw + i)] : 0;
          REQUIRE(packed[at] == want);
        }
    std::vector<int8_t> back(src.size());
    compiler::unpack_nc1hwc2(packed.data(), back.data(), s, 16, 1);
    CHECK(back == src);
  }
}

}  // namespace rknnc
