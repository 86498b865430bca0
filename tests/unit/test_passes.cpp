// Cleanup passes, constant folding and the pipeline table.
#include <algorithm>

#include "passes/pipeline.h"
#include "test_passes_common.h"

using namespace rknnc;
using test::check_same_outputs;
using test::count_ops;
using test::GraphBuilder;
using test::run_pass;
using Ints = std::vector<int64_t>;

TEST_CASE("eliminate_identity bypasses Identity and keeps output names", "[passes]") {
  GraphBuilder b;
  auto x = b.input("x", {1, 8});
  auto r = b.node("Relu", {x}, {1, 8});
  auto i1 = b.node("Identity", {r}, {1, 8});
  auto r2 = b.node("Relu", {i1}, {1, 8});
  auto i2 = b.node("Identity", {r2}, {1, 8});
  b.output(i2);
  ir::Graph g = b.build();
  const ir::Graph before = g;
  auto stats = run_pass(g, "eliminate_identity");
  CHECK(count_ops(g, "Identity") == 0);
  CHECK(stats.nodes_removed == 2);
  CHECK(stats.counters["identity_removed"] == 2);
  CHECK(g.outputs == std::vector<std::string>{i2});  // the output keeps its name
  CHECK(g.producer(i2)->op_type == "Relu");
  check_same_outputs(before, g);
}

TEST_CASE("eliminate_identity keeps an Identity from a graph input to a graph output", "[passes]") {
  GraphBuilder b;
  auto x = b.input("x", {2});
  b.output(b.node("Identity", {x}, {2}));
  ir::Graph g = b.build();
  auto stats = run_pass(g, "eliminate_identity");
  CHECK(count_ops(g, "Identity") == 1);
  CHECK_FALSE(stats.changed());
}

TEST_CASE("eliminate_dropout removes inference Dropout but not one whose mask is read", "[passes]") {
  GraphBuilder b;
  auto x = b.input("x", {1, 4});
  auto d = b.node("Dropout", {x}, {1, 4});
  b.output(b.node("Relu", {d}, {1, 4}));
  ir::Graph g = b.build();
  const ir::Graph before = g;
  auto stats = run_pass(g, "eliminate_dropout");
  CHECK(count_ops(g, "Dropout") == 0);
  CHECK(stats.counters["dropout_removed"] == 1);
  check_same_outputs(before, g);

  GraphBuilder m;
  auto y = m.input("y", {1, 4});
  auto out = m.node("Dropout", {y}, {1, 4});
  m.last().outputs.push_back("mask");
  m.graph().values["mask"] = {ir::DataType::Bool, {1, 4}, true};
  m.output(out);
  m.output("mask");
  ir::Graph g2 = m.build();
  CHECK_FALSE(run_pass(g2, "eliminate_dropout").changed());
  CHECK(count_ops(g2, "Dropout") == 1);

  GraphBuilder t;  // training_mode from an input: random, kept
  auto z = t.input("z", {1, 4});
  auto mode = t.input("mode", {}, ir::DataType::Bool);
  t.output(t.node("Dropout", {z, "", mode}, {1, 4}));
  ir::Graph g3 = t.build();
  CHECK_FALSE(run_pass(g3, "eliminate_dropout").changed());

  // Training mode on, ratio a constant 0: the identity, removed; ratio 0.5: random, kept.
  for (const float ratio : {0.0f, 0.5f}) {
    GraphBuilder r;
    auto v = r.input("v", {1, 4});
    ir::Tensor mode_on(ir::DataType::Bool, {});
    *static_cast<uint8_t*>(mode_on.raw()) = 1;
    auto on = r.constant("on", mode_on);
    r.output(r.node("Relu", {r.node("Dropout", {v, r.constant("ratio", {}, {ratio}), on}, {1, 4})}, {1, 4}));
    ir::Graph g4 = r.build();
    CHECK(run_pass(g4, "eliminate_dropout").changed() == (ratio == 0.0f));
  }
}

TEST_CASE("eliminate_noop_cast removes Cast to the same type only", "[passes]") {
  GraphBuilder b;
  auto x = b.input("x", {3});
  auto same = b.node("Cast", {x}, {3}, {{"to", int64_t{1}}});
  auto other = b.node("Cast", {same}, {3}, {{"to", int64_t{7}}}, ir::DataType::Int64);
  b.output(other);
  ir::Graph g = b.build();
  auto stats = run_pass(g, "eliminate_noop_cast");
  CHECK(stats.counters["cast_removed"] == 1);
  REQUIRE(count_ops(g, "Cast") == 1);
  CHECK(g.nodes[0]->input(0) == "x");
  CHECK(g.nodes[0]->attrs.get_int("to", 0) == 7);
}

TEST_CASE("eliminate_noop_reshape removes same-shape Reshape and merges chains", "[passes]") {
  GraphBuilder b;
  auto x = b.input("x", {2, 3, 4});
  auto same = b.node("Reshape", {x, b.ints("s0", {2, 3, 4})}, {2, 3, 4});
  auto r1 = b.node("Reshape", {same, b.ints("s1", {6, 4})}, {6, 4});
  auto r2 = b.node("Reshape", {r1, b.ints("s2", {0, 2, 2})}, {6, 2, 2});  // 0 copies r1's dim 0, not x's
  b.output(b.node("Relu", {r2}, {6, 2, 2}));
  ir::Graph g = b.build();
  const ir::Graph before = g;
  auto stats = run_pass(g, "eliminate_noop_reshape");
  CHECK(stats.counters["reshape_merged"] == 2);  // r1 reads x, then r2 reads x
  CHECK(count_ops(g, "Reshape") == 1);
  const ir::Node* r = g.producer(r2);
  REQUIRE(r);
  CHECK(r->input(0) == "x");
  CHECK(g.constant(r->input(1))->to_int_vector() == Ints{6, 2, 2});
  check_same_outputs(before, g);
}

TEST_CASE("eliminate_noop_reshape keeps a Reshape that changes the shape", "[passes]") {
  GraphBuilder b;
  auto x = b.input("x", {2, 6});
  b.output(b.node("Reshape", {x, b.ints("s", {3, 4})}, {3, 4}));
  ir::Graph g = b.build();
  CHECK_FALSE(run_pass(g, "eliminate_noop_reshape").changed());
  CHECK(count_ops(g, "Reshape") == 1);
}

TEST_CASE("eliminate_noop_ops removes identity ops and keeps real ones", "[passes]") {
  GraphBuilder b;
  auto x = b.input("x", {1, 2, 3});
  auto t = b.node("Transpose", {x}, {1, 2, 3}, {{"perm", Ints{0, 1, 2}}});
  auto p = b.node("Pad", {t, b.ints("pads", {0, 0, 0, 0, 0, 0})}, {1, 2, 3});
  auto a = b.node("Add", {p, b.constant("zero", {1}, {0.0f})}, {1, 2, 3});
  auto m = b.node("Mul", {a, b.constant("one", {3}, {1, 1, 1})}, {1, 2, 3});
  auto s = b.node("Slice", {m, b.ints("st", {0}), b.ints("en", {100}), b.ints("ax", {2}), b.ints("sp", {1})}, {1, 2, 3});
  auto keep_t = b.node("Transpose", {s}, {1, 3, 2}, {{"perm", Ints{0, 2, 1}}});
  auto keep_m = b.node("Mul", {keep_t, b.constant("two", {1}, {2.0f})}, {1, 3, 2});
  auto keep_rev = b.node("Slice", {keep_m, b.ints("st2", {-1}), b.ints("en2", {-100}), b.ints("ax2", {2}),
                                   b.ints("sp2", {-1})}, {1, 3, 2});
  auto keep_bcast = b.node("Add", {keep_rev, b.constant("zeros", {4, 3, 2}, std::vector<float>(24, 0.0f))}, {4, 3, 2});
  b.output(keep_bcast);
  ir::Graph g = b.build();
  const ir::Graph before = g;
  auto stats = run_pass(g, "eliminate_noop_ops");
  CHECK(stats.nodes_removed == 5);
  CHECK(stats.counters["Transpose_removed"] == 1);
  CHECK(stats.counters["Pad_removed"] == 1);
  CHECK(stats.counters["Slice_removed"] == 1);
  CHECK(count_ops(g, "Transpose") == 1);
  CHECK(count_ops(g, "Mul") == 1);
  CHECK(count_ops(g, "Slice") == 1);  // the reversing Slice stays
  CHECK(count_ops(g, "Add") == 1);    // Add that broadcasts to a larger shape stays
  CHECK(g.producer(keep_t)->input(0) == "x");
  check_same_outputs(before, g);
}

TEST_CASE("fold_constants evaluates constant subgraphs and static Shape", "[passes]") {
  GraphBuilder b;
  auto x = b.input("x", {2, 3});
  auto c = b.node("Relu", {b.constant("c", {4}, {-1, 2, -3, 4})}, {4});
  auto shape = b.node("Shape", {x}, {2}, {}, ir::DataType::Int64);
  auto live = b.node("Relu", {x}, {2, 3});
  b.output(c);
  b.output(shape);
  b.output(live);
  ir::Graph g = b.build();
  const ir::Graph before = g;
  auto stats = run_pass(g, "fold_constants");
  CHECK(stats.counters["nodes_folded"] == 2);
  REQUIRE(g.is_constant(c));
  CHECK(g.constant(c)->to_float_vector() == std::vector<float>{0, 2, 0, 4});
  REQUIRE(g.is_constant(shape));
  CHECK(g.constant(shape)->to_int_vector() == Ints{2, 3});
  CHECK(count_ops(g, "Relu") == 1);  // the one reading a graph input stays
  check_same_outputs(before, g);
}

TEST_CASE("fold_constants handles Shape start/end and ConstantOfShape chains", "[passes]") {
  GraphBuilder b;
  auto x = b.input("x", {1, 3, 5, 7});
  auto hw = b.node("Shape", {x}, {2}, {{"start", int64_t{-2}}}, ir::DataType::Int64);
  auto fill = b.node("ConstantOfShape", {hw}, {5, 7}, {{"value", ir::Tensor::from<float>({1}, {0.5f})}});
  b.output(b.node("Add", {x, fill}, {1, 3, 5, 7}));
  ir::Graph g = b.build();
  const ir::Graph before = g;
  run_pass(g, "fold_constants");
  CHECK(count_ops(g, "Shape") == 0);
  if (runtime::KernelRegistry::instance().has_op("ConstantOfShape")) {
    REQUIRE(g.is_constant(fill));
    CHECK(g.constant(fill)->shape() == ir::Shape{5, 7});
    CHECK_FALSE(g.is_constant(hw));  // only read by the folded node: dropped
  } else {
    REQUIRE(g.is_constant(hw));
    CHECK(g.constant(hw)->to_int_vector() == Ints{5, 7});
  }
  check_same_outputs(before, g);
}

TEST_CASE("fold_constants leaves dynamic Shape alone", "[passes]") {
  GraphBuilder b;
  auto x = b.input("x", {ir::kDynamic, 3});
  b.output(b.node("Shape", {x}, {2}, {}, ir::DataType::Int64));
  ir::Graph g = b.build();
  CHECK_FALSE(run_pass(g, "fold_constants").changed());
  CHECK(count_ops(g, "Shape") == 1);
}

TEST_CASE("pipelines: level 0 is minimal, level 3 runs every pass", "[passes]") {
  auto l0 = passes::pipeline_for_level(0);
  auto l3 = passes::pipeline_for_level(3);
  auto has = [](const std::vector<std::string>& v, const char* p) { return std::find(v.begin(), v.end(), p) != v.end(); };
  CHECK(has(l0, "fold_constants"));
  CHECK_FALSE(has(l0, "fuse_activation"));
  CHECK_FALSE(has(l0, "fuse_bn_into_conv"));
  CHECK(has(passes::pipeline_for_level(1), "fuse_activation"));
  CHECK_FALSE(has(passes::pipeline_for_level(2), "fold_input_normalization"));
  for (const auto& name : passes::PassRegistry::instance().names()) {
    INFO(name);
    CHECK(has(l3, name.c_str()));
  }
  CHECK(l3.back() == "eliminate_dead_nodes");
  CHECK_THROWS_AS(passes::pipeline_for_level(4), Error);
}
