// build.json (schema-valid, deterministic apart from "timings") and
// `rknnc inspect` summaries of .rknn and .onnx files.
// valijson's json_pointer trips a GCC 12 -Wrestrict false positive at -O3.
#pragma GCC diagnostic ignored "-Wrestrict"
#include <catch2/catch.hpp>

#include <onnx/onnx_pb.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>

#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validator.hpp>

#include "driver/convert.h"
#include "format/rknn_file.h"
#include "report/build_report.h"
#include "report/inspect.h"
#include "target/data_dirs.h"  // generated: RKNNC_SOURCE_DATA_DIR
#include "tests/unit/onnx_test_model.h"
#include "util/atomic_file.h"
#include "util/error.h"

using namespace rknnc;
using nlohmann::json;

namespace {

std::filesystem::path source_dir() {
  const char* env = std::getenv("RKNNC_SOURCE_DIR");
  return env ? env : RKNNC_SOURCE_DATA_DIR;
}

// Validation errors as text; empty when the document is valid.
std::string schema_errors(const json& doc, const std::string& schema_file) {
  std::ifstream in(source_dir() / "schemas" / schema_file);
  REQUIRE(in);
  const json schema_json = json::parse(in);
  valijson::Schema schema;
  valijson::SchemaParser parser;
  valijson::adapters::NlohmannJsonAdapter schema_adapter(schema_json);
  parser.populateSchema(schema_adapter, schema);
  valijson::Validator validator;
  valijson::ValidationResults results;
  valijson::adapters::NlohmannJsonAdapter doc_adapter(doc);
  if (validator.validate(schema, doc_adapter, &results)) return "";
  std::string out;
  valijson::ValidationResults::Error e;
  while (results.popError(e)) {
    std::string path;
    for (const auto& p : e.context) path += p;
    out += fmt::format("{}: {}\n", path, e.description);
  }
  return out;
}

ir::Graph small_graph() {
  ir::Graph g;
  g.name = "g";
  g.opset = 13;
  g.inputs = {"x"};
  g.values["x"] = {ir::DataType::Float32, {1, 3, 4, 4}, true};
  g.add_constant("w", ir::Tensor::from<float>({2, 3, 1, 1}, {1, 2, 3, 4, 5, 6}));
  g.values["w"] = {ir::DataType::Float32, {2, 3, 1, 1}, true};
  auto conv = std::make_unique<ir::Node>(ir::Node{"conv", "Conv", "", {"x", "w"}, {"y"}, {}});
  g.add_node(std::move(conv));
  g.values["y"] = {ir::DataType::Float32, {1, 2, 4, 4}, true};
  g.add_node(std::make_unique<ir::Node>(ir::Node{"relu", "Relu", "", {"y"}, {"z"}, {}}));
  g.values["z"] = {ir::DataType::Float32, {1, 2, 4, 4}, true};
  g.outputs = {"z"};
  return g;
}

config::ModelConfig small_config() {
  config::ModelConfig cfg;
  cfg.name = "small";
  cfg.platform = "onnx";
  cfg.model_file_path = "/some/where/small.onnx";
  cfg.echo = {{"name", "small"}, {"platform", "onnx"}, {"configs", {{"optimization_level", 3}}}};
  return cfg;
}

report::BuildReportInput small_input(const config::ModelConfig& cfg, const ir::Graph& g, double t) {
  report::BuildReportInput in;
  in.config = &cfg;
  in.target = "rk3588";
  in.graph = &g;
  in.ops_before = {{"Conv", 1}, {"Relu", 1}, {"Identity", 2}};
  in.weight_bytes_before = 48;
  passes::PassRecord r;
  r.name = "eliminate_identity";
  r.stats.nodes_removed = 2;
  r.stats.counters = {{"identity_removed", 2}};
  r.seconds = 0.001 * t;
  in.passes = {r};
  r.name = "fold_constants";
  r.stats = {};
  r.seconds = 0.002 * t;
  in.passes.push_back(r);
  in.warnings = {"configs.quantize_weight: not yet supported"};
  in.timings = {{"config", 0.01 * t}, {"load", 0.02 * t}, {"optimize", 0.03 * t}};
  in.outputs_written = {"small.rknn", "small.build.json"};
  return in;
}

std::filesystem::path temp_dir(const std::string& tag) {
  auto d = std::filesystem::temp_directory_path() / fmt::format("rknnc_test_{}_{}", tag, ::getpid());
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d;
}

}  // namespace

TEST_CASE("build report has every field and validates against its schema", "[report]") {
  const auto cfg = small_config();
  const auto g = small_graph();
  const json r = report::build_report(small_input(cfg, g, 1.0));
  INFO(r.dump(2));
  CHECK(schema_errors(r, "build_report.schema.json").empty());
  CHECK(r["rknnc_version"] == RKNNC_VERSION);
  CHECK(r["format_version"] == format::kFormatVersion);
  CHECK(r["target"] == "rk3588");
  CHECK(r["model"]["name"] == "small");
  CHECK(r["model"]["file"] == "small.onnx");
  CHECK(r["model"]["nodes_before"] == 4);
  CHECK(r["model"]["nodes_after"] == 2);
  CHECK(r["model"]["weight_bytes_after"] == 24);
  CHECK(r["config"] == cfg.echo);
  CHECK(r["inputs"] == json::parse(R"([{"name":"x","dtype":"float32","shape":[1,3,4,4]}])"));
  CHECK(r["outputs"][0]["name"] == "z");
  CHECK(r["ops_after"] == json({{"Conv", 1}, {"Relu", 1}}));
  CHECK(r["ops_before"]["Identity"] == 2);
  REQUIRE(r["passes"].size() == 2);
  CHECK(r["passes"][0] == json::parse(R"({"name":"eliminate_identity","nodes_removed":2,"nodes_added":0,
      "bytes_saved":0,"changed":true,"counters":{"identity_removed":2}})"));
  CHECK(r["passes"][1]["changed"] == false);
  CHECK(r["warnings"].size() == 1);
  CHECK(r["outputs_written"] == json({"small.rknn", "small.build.json"}));
  CHECK(r["timings"]["stages"][1] == json({{"name", "load"}, {"seconds", 0.02}}));
  CHECK(r["timings"]["total_seconds"].get<double>() == Approx(0.06));
  CHECK(r["timings"]["passes"][0]["name"] == "eliminate_identity");
}

TEST_CASE("build report: only 'timings' depends on run time", "[report]") {
  const auto cfg = small_config();
  const auto g = small_graph();
  json a = report::build_report(small_input(cfg, g, 1.0));
  json b = report::build_report(small_input(cfg, g, 7.5));
  CHECK(a != b);
  CHECK(a["timings"] != b["timings"]);
  a.erase("timings");
  b.erase("timings");
  CHECK(report::dump_report(a) == report::dump_report(b));
  // Timing values appear nowhere else.
  for (const auto& p : a["passes"]) CHECK_FALSE(p.contains("seconds"));
}

TEST_CASE("build report dump is sorted, indented and ends with a newline", "[report]") {
  const auto cfg = small_config();
  const auto g = small_graph();
  const std::string text = report::dump_report(report::build_report(small_input(cfg, g, 1.0)));
  CHECK(text.back() == '\n');
  CHECK(text.rfind("{\n  \"config\"", 0) == 0);  // keys in order: config first
  CHECK(text.find("\n  \"warnings\"") > text.find("\n  \"timings\""));
  CHECK(json::parse(text) == report::build_report(small_input(cfg, g, 1.0)));
}

TEST_CASE("schema rejects a report with a missing or mistyped field", "[report]") {
  const auto cfg = small_config();
  const auto g = small_graph();
  json r = report::build_report(small_input(cfg, g, 1.0));
  json missing = r;
  missing.erase("passes");
  CHECK_FALSE(schema_errors(missing, "build_report.schema.json").empty());
  json wrong = r;
  wrong["inputs"][0]["shape"] = "1x3";
  CHECK_FALSE(schema_errors(wrong, "build_report.schema.json").empty());
  json extra = r;
  extra["elapsed"] = 3;  // a timing outside "timings"
  CHECK_FALSE(schema_errors(extra, "build_report.schema.json").empty());
}

TEST_CASE("build report without config or graph is an error, not a crash", "[report]") {
  report::BuildReportInput in;
  CHECK_THROWS_AS(report::build_report(in), Error);
}

TEST_CASE("inspect of a .rknn file shows model, target, I/O, ops and sections", "[report]") {
  const auto dir = temp_dir("inspect");
  format::RknnModel m;
  m.graph = small_graph();
  m.model_name = "small";
  m.target = "rk3566";
  m.tool_version = "9.9.9";
  m.custom_string = "hello";
  m.preprocess = {{"x", {0, 127.5f, 255}, {1, 2, 4}}};
  m.tensors["y"] = {"NC1HWC2"};
  write_file_atomic(dir / "small.rknn", format::serialize_rknn(m));
  const json j = report::inspect_file(dir / "small.rknn");
  INFO(j.dump(2));
  CHECK(j["format"] == "rknn");
  CHECK(j["format_version"] == format::kFormatVersion);
  CHECK(j["model_name"] == "small");
  CHECK(j["target"] == "rk3566");
  CHECK(j["tool_version"] == "9.9.9");
  CHECK(j["custom_string"] == "hello");
  CHECK(j["node_count"] == 2);
  CHECK(j["ops"] == json({{"Conv", 1}, {"Relu", 1}}));
  CHECK(j["weight_bytes"] == 24);
  CHECK(j["constant_count"] == 1);
  CHECK(j["inputs"][0]["shape"] == json({1, 3, 4, 4}));
  CHECK(j["inputs"][0]["layout"] == "NCHW");
  CHECK(j["preprocess"][0]["mean"][1] == 127.5);
  CHECK(j["sections"].size() == 4);
  CHECK(j["file_bytes"] == std::filesystem::file_size(dir / "small.rknn"));
  const std::string text = report::inspect_text(j);
  INFO(text);
  CHECK(text.find("rk3566") != std::string::npos);
  CHECK(text.find("custom_string:  hello") != std::string::npos);
  CHECK(text.find("[1,3,4,4]") != std::string::npos);
  CHECK(text.find("mean=[0, 127.5, 255] std=[1, 2, 4]") != std::string::npos);
  CHECK(text.find("Conv") != std::string::npos);
  CHECK(text.find("weights:        24 bytes in 1 constants") != std::string::npos);
  // Same file, same JSON.
  CHECK(report::inspect_file(dir / "small.rknn") == j);

  std::string corrupt = format::serialize_rknn(m);
  corrupt[corrupt.size() - 1] ^= 1;
  write_file_atomic(dir / "bad.rknn", corrupt);
  CHECK_THROWS_WITH(report::inspect_file(dir / "bad.rknn"), Catch::Contains("corrupt .rknn"));
  CHECK_THROWS_AS(report::inspect_file(dir / "none.onnx"), Error);
  std::filesystem::remove_all(dir);
}

TEST_CASE("inspect of an .onnx file shows I/O, ops and weights", "[report]") {
  const auto dir = temp_dir("inspect_onnx");
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.set_producer_name("test");
  model.add_opset_import()->set_version(13);
  onnx::GraphProto* g = model.mutable_graph();
  g->set_name("relu_add");
  rknnc::testing::set_float_io(g->add_input(), "x", {1, 4});
  rknnc::testing::set_float_io(g->add_output(), "out", {1, 4});
  onnx::TensorProto* b = g->add_initializer();
  b->set_name("b");
  b->set_data_type(onnx::TensorProto::FLOAT);
  b->add_dims(4);
  for (float v : {1.f, 2.f, 3.f, 4.f}) b->add_float_data(v);
  rknnc::testing::add_node(g, "Relu", "r", {"x"}, {"h"});
  rknnc::testing::add_node(g, "Add", "a", {"h", "b"}, {"out"});
  std::string bytes;
  REQUIRE(model.SerializeToString(&bytes));
  write_file_atomic(dir / "m.onnx", bytes);
  const json j = report::inspect_file(dir / "m.onnx");
  INFO(j.dump(2));
  CHECK(j["format"] == "onnx");
  CHECK(j["opset"] == 13);
  CHECK(j["node_count"] == 2);
  CHECK(j["ops"] == json({{"Add", 1}, {"Relu", 1}}));
  CHECK(j["weight_bytes"] == 16);
  CHECK(j["inputs"] == json::parse(R"([{"name":"x","dtype":"float32","shape":[1,4]}])"));
  CHECK(j["outputs"][0]["name"] == "out");
  CHECK_FALSE(j.contains("target"));
  CHECK(report::inspect_text(j).find("ONNX model, opset 13") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("inspect --ops lists the runtime's kernels", "[report]") {
  const json ops = report::runtime_ops();
  REQUIRE(ops.is_array());
  CHECK(std::find(ops.begin(), ops.end(), json("Relu")) != ops.end());
}

TEST_CASE("converter output: build.json is schema-valid and deterministic, .rknn reads back", "[report]") {
  const auto configs = source_dir() / "configs";
  REQUIRE(std::filesystem::is_directory(configs));
  std::vector<std::filesystem::path> ymls;
  for (const auto& e : std::filesystem::directory_iterator(configs))
    if (e.path().extension() == ".yml") ymls.push_back(e.path());
  std::sort(ymls.begin(), ymls.end());
  REQUIRE_FALSE(ymls.empty());
  const auto dir = temp_dir("convert");
  for (const auto& yml : ymls) {
    INFO(yml.string());
    std::string rknn[2];
    json report[2];
    for (int run = 0; run < 2; ++run) {
      const auto out = dir / fmt::format("run{}", run);
      driver::ConvertRequest req;
      req.yaml = yml;
      req.target = "rk3588";
      req.out_dir = out;
      const driver::ConvertResult r = driver::convert(req);
      const auto base = out / r.model_name;
      rknn[run] = read_file(base.string() + ".rknn", "model");
      report[run] = json::parse(read_file(base.string() + ".build.json", "report"));
      CHECK(schema_errors(report[run], "build_report.schema.json").empty());
      CHECK(schema_errors(json::parse(read_file(base.string() + ".perf.json", "perf")), "perf.schema.json").empty());
      CHECK(schema_errors(json::parse(read_file(base.string() + ".memory.json", "memory")), "memory.schema.json").empty());
      const format::RknnModel m = format::parse_rknn(rknn[run], "converted");
      CHECK(m.model_name == r.model_name);
      CHECK(m.target == "rk3588");
      CHECK(json(m.graph.op_histogram()) == report[run]["ops_after"]);
      CHECK(report::inspect_file(base.string() + ".rknn")["node_count"] == report[run]["model"]["nodes_after"]);
    }
    CHECK(rknn[0] == rknn[1]);
    report[0].erase("timings");
    report[1].erase("timings");
    CHECK(report[0] == report[1]);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("-a accuracy analysis writes error_analysis.txt, a schema-valid accuracy.json and snapshots", "[report]") {
  const auto out = temp_dir("accuracy");
  driver::ConvertRequest req;
  req.yaml = source_dir() / "configs" / "digits_cnn.yml";
  req.target = "rk3588";
  req.out_dir = out;
  req.accuracy_inputs = {source_dir() / "samples" / "digits_cnn" / "calib" / "digit_00.png"};
  const driver::ConvertResult r = driver::convert(req);
  const json acc = json::parse(read_file(out / "accuracy.json", "accuracy"));
  CHECK(schema_errors(acc, "accuracy.schema.json").empty());
  REQUIRE(acc["layers"].size() >= 5);
  for (const auto& l : acc["layers"]) {
    CHECK(l["entire"]["cos"].get<double>() > 0.9);
    CHECK(std::filesystem::is_regular_file(out / "snapshot" / "golden" / (l["tensor"].get<std::string>() + ".npy")));
    CHECK(std::filesystem::is_regular_file(out / "snapshot" / "simulator" / (l["tensor"].get<std::string>() + ".npy")));
  }
  const std::string text = read_file(out / "error_analysis.txt", "analysis");
  CHECK(text.find("# simulator_error") == 0);
  CHECK(text.find("[Conv] ") != std::string::npos);
  CHECK(text.find("entire                 single") != std::string::npos);
  CHECK(std::count(r.written.begin(), r.written.end(), out / "accuracy.json") == 1);
  std::filesystem::remove_all(out);
}
