// lib/compiler: placement (target limits, op_target, single_core_mode), the
// Program run in its arena against the IR simulator, and the program section
// of the .rknn (packing and the memory planner's arithmetic:
// test_compiler_layout.cpp; the cost model: test_compiler_cost.cpp).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>

#include "compiler/compile.h"
#include "format/rknn_file.h"
#include "graph_builder.h"
#include "runtime/executor.h"
#include "runtime/program_runner.h"
#include "test_compiler_util.h"
#include "test_config_util.h"

namespace rknnc {
namespace {

using namespace test;  // the shared nets (test_compiler_util.h)

}  // namespace

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

// The input normalisation before the first QuantizeLinear (Sub of a mean,
// Div by a std, either alone; per channel or one value) runs as one pass in
// the ProgramRunner, bit-exact to the IR simulator's three ops.
TEST_CASE("the input normalisation and quantisation run as one step, bit-exact", "[compiler]") {
  struct Case {
    std::vector<float> mean, std;
    ir::Shape shape;
    size_t fused;
  };
  const Case cases[] = {{{0.5f, 0.4f, 0.3f}, {0.2f, 0.25f, 0.3f}, {1, 3, 1, 1}, 2},
                        {{0.5f, 0.4f, 0.3f}, {}, {3, 1, 1}, 1},
                        {{}, {0.7f}, {1}, 1},
                        {{0.45f}, {0.226f}, {}, 2}};
  for (const Case& c : cases) {
    test::GraphBuilder b;
    std::string x = b.input("x", {1, 3, 10, 10});
    const ir::Shape cs = c.shape.empty() ? ir::Shape{} : c.shape;
    if (!c.mean.empty()) x = b.node("Sub", {x, b.constant("mean", ir::Tensor::from<float>(c.mean.size() == 1 ? cs : c.shape, c.mean))}, {1, 3, 10, 10});
    if (!c.std.empty()) x = b.node("Div", {x, b.constant("std", ir::Tensor::from<float>(c.std.size() == 1 ? cs : c.shape, c.std))}, {1, 3, 10, 10});
    const auto w = b.constant("w", b.random({8, 3, 3, 3}, -0.3f, 0.3f));
    b.output(b.node("Conv", {x, w}, {1, 8, 10, 10}, {{"pads", std::vector<int64_t>(4, 1)}}));
    ir::Graph g = b.build();
    quant::prepare_for_int8(g);
    const auto sample = [](size_t i) {
      test::GraphBuilder r(static_cast<uint32_t>(70 + i));
      return std::vector<ir::Tensor>{r.random({1, 3, 10, 10}, 0.f, 1.f)};
    };
    quant::quantize_graph(g, quant::calibrate(g, 4, sample, {}), quant::Method::Channel);
    std::vector<std::string> warnings;
    const compiler::Program p = compile_for(g, "rk3588", warnings);
    CHECK(runtime::ProgramRunner(g, p).steps_fused_away() == c.fused);
    for (uint32_t seed : {5u, 6u}) run_both_and_compare(g, p, seed);
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
