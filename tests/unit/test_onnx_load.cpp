// The ONNX loader on files that parse but do not fit together: every one is a
// one-line rknnc::Error (exit 1) naming the file and the tensor, raised before
// anything of a bad size is allocated.
#include <catch2/catch.hpp>
#include <onnx/onnx_pb.h>

#include <filesystem>
#include <functional>
#include <random>

#include "frontends/frontend.h"
#include "tests/unit/onnx_test_model.h"
#include "tests/unit/test_config_util.h"
#include "util/atomic_file.h"

using namespace rknnc;
using rknnc::testing::add_node;
using rknnc::testing::set_float_io;
namespace fs = std::filesystem;

namespace {

// x[1,4] + b[4] -> out[1,4], b as float_data.
onnx::ModelProto add_model() {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(13);
  onnx::GraphProto* g = m.mutable_graph();
  set_float_io(g->add_input(), "x", {1, 4});
  set_float_io(g->add_output(), "out", {1, 4});
  onnx::TensorProto* b = g->add_initializer();
  b->set_name("b");
  b->set_data_type(onnx::TensorProto::FLOAT);
  b->add_dims(4);
  for (float v : {1.f, 2.f, 3.f, 4.f}) b->add_float_data(v);
  add_node(g, "Add", "add0", {"x", "b"}, {"out"});
  return m;
}

struct OnnxDir {
  rknnc::testing::ConfigDir dir;
  fs::path write(const onnx::ModelProto& m, const std::string& name = "m.onnx") const {
    std::string bytes;
    REQUIRE(m.SerializeToString(&bytes));
    write_file_atomic(dir.dir / name, bytes);
    return dir.dir / name;
  }
};

// Loads `m` after `mutate`; requires an exit-1 one-line error naming the file and containing `expect`.
void bad(const std::function<void(onnx::ModelProto&)>& mutate, const std::string& expect) {
  OnnxDir d;
  onnx::ModelProto m = add_model();
  mutate(m);
  const fs::path f = d.write(m);
  const std::string msg = rknnc::testing::expect_error(ExitCode::Conversion, [&] { frontends::load_onnx(f); });
  INFO(msg);
  CHECK(msg.rfind(f.string() + ": ", 0) == 0);
  CHECK_THAT(msg, Catch::Contains(expect));
  CHECK(msg.find('\n') == std::string::npos);
}

onnx::TensorProto& bias(onnx::ModelProto& m) { return *m.mutable_graph()->mutable_initializer(0); }

}  // namespace

TEST_CASE("onnx load: the unmodified test model loads", "[onnx]") {
  OnnxDir d;
  const ir::Graph g = frontends::load_onnx(d.write(add_model()));
  CHECK(g.outputs == std::vector<std::string>{"out"});
  CHECK(g.constant("b")->numel() == 4);
}

TEST_CASE("onnx load: a declared output no node produces is named", "[onnx]") {
  bad([](onnx::ModelProto& m) { set_float_io(m.mutable_graph()->add_output(), "ghost", {1}); },
      "graph output 'ghost' is produced by no node");
  bad([](onnx::ModelProto& m) { m.mutable_graph()->mutable_output(0)->set_name("renamed"); },
      "graph output 'renamed' is produced by no node");
}

TEST_CASE("onnx load: shapes over the element limit are named before allocation", "[onnx]") {
  bad([](onnx::ModelProto& m) {
        auto* s = m.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape();
        s->mutable_dim(1)->set_dim_value(1000000000);
        s->add_dim()->set_dim_value(1000000000);
      },
      "tensor 'x' has shape [1,1000000000,1000000000]: 1000000000000000000 elements, more than the 2147483648");
  // A product that overflows int64 is "too many", never a wrapped-around small number.
  bad([](onnx::ModelProto& m) {
        auto* s = m.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape();
        for (int i = 0; i < 4; ++i) s->add_dim()->set_dim_value(int64_t{1} << 40);
      },
      "too many elements");
  bad([](onnx::ModelProto& m) {
        bias(m).clear_float_data();
        bias(m).set_dims(0, int64_t{1} << 32);
      },
      "initializer 'b' has shape [4294967296]");
}

TEST_CASE("onnx load: initializer data that does not fit dtype x shape is named", "[onnx]") {
  auto raw = [](size_t bytes) {
    return [bytes](onnx::ModelProto& m) {
      bias(m).clear_float_data();
      bias(m).set_raw_data(std::string(bytes, '\0'));
    };
  };
  bad(raw(12), "initializer 'b': raw_data has 12 bytes, shape [4] of float32 needs 16");
  bad(raw(20), "initializer 'b': raw_data has 20 bytes, shape [4] of float32 needs 16");
  bad([](onnx::ModelProto& m) { bias(m).add_float_data(5.f); }, "initializer 'b': holds 5 values, its shape [4] needs 4");
  bad([](onnx::ModelProto& m) {
        bias(m).set_data_type(onnx::TensorProto::INT64);  // the values stay in float_data
      },
      "initializer 'b': holds 0 values");
  bad([](onnx::ModelProto& m) { bias(m).set_dims(0, -4); }, "initializer 'b': has a negative dimension");
  bad([](onnx::ModelProto& m) {
        bias(m).clear_float_data();
        bias(m).set_data_location(onnx::TensorProto::EXTERNAL);
        auto* e = bias(m).add_external_data();
        e->set_key("location");
        e->set_value("weights.bin");
      },
      "initializer 'b': external data file 'weights.bin' not found next to the model");
  bad([](onnx::ModelProto& m) { bias(m).set_data_type(onnx::TensorProto::STRING); }, "initializer 'b': ONNX element type 8");
}

TEST_CASE("onnx load: Constant nodes are checked like initializers", "[onnx]") {
  auto constant = [](onnx::ModelProto& m, int outputs) {
    onnx::GraphProto* g = m.mutable_graph();
    g->clear_initializer();
    onnx::NodeProto* c = add_node(g, "Constant", "const0", {}, std::vector<std::string>(static_cast<size_t>(outputs), "b"));
    onnx::AttributeProto* a = c->add_attribute();
    a->set_name("value");
    a->set_type(onnx::AttributeProto::TENSOR);
    a->mutable_t()->set_data_type(onnx::TensorProto::FLOAT);
    a->mutable_t()->add_dims(4);
    a->mutable_t()->set_raw_data(std::string(16, '\0'));
    g->mutable_node()->SwapElements(0, 1);  // the Constant first
    return a->mutable_t();
  };
  bad([&](onnx::ModelProto& m) { constant(m, 0); }, "node 'const0': Constant must have exactly one named output");
  bad([&](onnx::ModelProto& m) { constant(m, 1)->set_raw_data(std::string(3, '\0')); },
      "node 'const0' attribute 'value': raw_data has 3 bytes");
}

TEST_CASE("onnx load: strides, dilations and kernel_shape below 1 are named before shape inference", "[onnx]") {
  // libonnx's Conv / pooling shape inference divides by the strides (SIGFPE).
  for (const char* attr : {"strides", "dilations", "kernel_shape"})
    bad([&](onnx::ModelProto& m) {
          m.mutable_graph()->mutable_node(0)->set_op_type("MaxPool");
          m.mutable_graph()->mutable_node(0)->mutable_input()->RemoveLast();
          onnx::AttributeProto* a = m.mutable_graph()->mutable_node(0)->add_attribute();
          a->set_name(attr);
          a->set_type(onnx::AttributeProto::INTS);
          a->add_ints(0);
        },
        std::string("node 'add0' (MaxPool): attribute ") + attr + " has 0; each value must be at least 1");
}

TEST_CASE("onnx load: blocksize and control flow are refused before shape inference", "[onnx]") {
  auto op = [](const std::string& type, const std::string& attr, int64_t value) {
    return [=](onnx::ModelProto& m) {
      onnx::NodeProto* n = m.mutable_graph()->mutable_node(0);
      n->set_op_type(type);
      n->mutable_input()->RemoveLast();
      onnx::AttributeProto* a = n->add_attribute();
      a->set_name(attr);
      a->set_type(onnx::AttributeProto::INT);
      a->set_i(value);
    };
  };
  bad(op("DepthToSpace", "blocksize", int64_t{1} << 40), "node 'add0' (DepthToSpace): attribute blocksize is 1099511627776");
  bad(op("SpaceToDepth", "blocksize", 0), "attribute blocksize is 0; it must be from 1 to 65536");
  bad([&](onnx::ModelProto& m) {
        op("MaxRoiPool", "spatial_scale", 1)(m);
        m.mutable_graph()->mutable_node(0)->add_attribute()->set_name("pooled_shape");
      },
      "node 'add0' (MaxRoiPool): attribute pooled_shape has 0 values; it needs 2");
  bad(op("Scan", "num_scan_inputs", 1), "node 'add0' (Scan): control flow with subgraphs (If/Loop/Scan) is not supported");
  bad(op("Loop", "x", 1), "(Loop): control flow");
  bad([](onnx::ModelProto& m) {  // a graph attribute on any op, even one of a custom domain
        onnx::NodeProto* n = m.mutable_graph()->mutable_node(0);
        n->set_domain("com.example");
        onnx::AttributeProto* a = n->add_attribute();
        a->set_name("body");
        a->set_type(onnx::AttributeProto::GRAPH);
        a->mutable_g()->set_name("inner");
      },
      "control flow with subgraphs");
}

TEST_CASE("onnx load: random byte flips never crash the loader", "[onnx]") {
  OnnxDir d;
  std::string good;
  REQUIRE(add_model().SerializeToString(&good));
  std::mt19937 rng(12);
  int loaded = 0, refused = 0;
  for (int i = 0; i < 300; ++i) {
    std::string bytes = good;
    for (int k = 0; k < 3; ++k) bytes[rng() % bytes.size()] = static_cast<char>(rng());
    write_file_atomic(d.dir.dir / "flip.onnx", bytes);
    try {
      frontends::load_onnx(d.dir.dir / "flip.onnx");
      ++loaded;
    } catch (const Error& e) {
      ++refused;
      CHECK(std::string(e.what()).find('\n') == std::string::npos);
    }
  }
  CHECK(loaded + refused == 300);
  CHECK(refused > 0);
}
