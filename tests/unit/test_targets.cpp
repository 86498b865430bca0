// Targets as data: every file loads, every claim has a source, lookups.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <regex>
#include <set>

#include "target/target.h"
#include "util/error.h"

using namespace rknnc;

namespace {

// The accepted `source:` forms (docs/targets.md): a spec file + section, a
// public datasheet or vendor document, arithmetic, an assumption, a calibration.
bool accepted_source(const std::string& s) {
  static const std::regex kSource(
      "^(00[0-4]-[A-Za-z0-9.-]+\\.txt §[0-9].*|(datasheet|doc|derived|assumed): .+|calibrated on .+)$");
  return std::regex_match(s, kSource);
}

void require_sourced(const nlohmann::json& node, const std::string& where) {
  INFO(where);
  REQUIRE(node.is_object());
  REQUIRE(node.contains("value"));
  REQUIRE(node.contains("source"));
  INFO(node["source"].get<std::string>());
  CHECK(accepted_source(node["source"].get<std::string>()));
}

// Every leaf number/bool of the file sits under a {value, source} mapping
// whose source has an accepted form; `sourced` says whether one is above.
void check_leaves(const nlohmann::json& node, const std::string& where, bool sourced) {
  if (node.is_object()) {
    const bool here = node.contains("value") && node.contains("source");
    if (here) require_sourced(node, where);
    for (auto it = node.begin(); it != node.end(); ++it)
      check_leaves(it.value(), where + "." + it.key(), sourced || here);
  } else if (node.is_array()) {
    for (size_t i = 0; i < node.size(); ++i) check_leaves(node[i], where + "[" + std::to_string(i) + "]", sourced);
  } else if (node.is_number() || node.is_boolean()) {
    INFO(where << " is a number or flag without a {value, source} mapping above it");
    CHECK(sourced);
  }
}

bool power_of_two(int v) { return v > 0 && (v & (v - 1)) == 0; }

// One target file: it loads, every claim is sourced, the NPU data is sane.
void check_target_file(const std::string& name) {
  const auto t = target::find_target(name);
  INFO("target " << name << " (" << t.file.string() << ")");
  CHECK(t.name == name);
  CHECK(t.file.stem() == name);
  const auto& d = t.data;
  for (const char* key : {"npu_cores", "dtypes", "supports_encryption", "supports_dynamic_input", "supports_sparse_infer"})
    require_sourced(d[key], name + "." + key);
  REQUIRE(d.contains("npu"));
  for (auto it = d["npu"].begin(); it != d["npu"].end(); ++it) require_sourced(it.value(), name + ".npu." + it.key());
  check_leaves(d, name, false);

  CHECK(t.npu_cores >= 1);
  REQUIRE_FALSE(t.dtypes.empty());
  const auto& n = t.npu;
  CHECK(n.clock_mhz > 0);
  CHECK(n.ddr_bandwidth_gbps > 0);
  CHECK(n.sram_bytes >= 0);
  CHECK(n.sram_bytes == d["npu"]["sram_kb"]["value"].get<int64_t>() * 1024);
  const std::set<std::string> dtypes(t.dtypes.begin(), t.dtypes.end());
  // Every dtype the NPU computes has a MAC rate and a C2; int4 is weight-only (w4a16).
  for (const auto& dt : t.dtypes) {
    if (dt == "int4") continue;
    INFO("dtype " << dt);
    CHECK(n.macs_per_cycle.count(dt) == 1);
    CHECK(n.c2.count(dt) == 1);
  }
  for (const auto& [dt, macs] : n.macs_per_cycle) {
    INFO("macs_per_cycle." << dt);
    CHECK(dtypes.count(dt) == 1);
    CHECK(macs > 0);
  }
  for (const auto& [dt, c2] : n.c2) {
    INFO("c2." << dt << " = " << c2);
    CHECK(power_of_two(c2));
  }
  CHECK_FALSE(n.ops.empty());
  for (const char* boundary : {"QuantizeLinear", "DequantizeLinear"}) CHECK_FALSE(t.npu_runs(boundary));
  for (const auto& op : n.multi_core_ops) {
    INFO("multi_core_ops: " << op);
    CHECK(t.npu_runs(op));
    CHECK(t.multi_core_op(op));
  }
  CHECK(n.multi_core_ops.empty() == (t.npu_cores == 1));
  CHECK(n.limits.max_kernel >= 0);
  CHECK(n.limits.max_stride >= 0);
  CHECK(n.limits.max_channels >= 0);
}

}  // namespace

TEST_CASE("targets: every platform of the spec has a file that loads", "[targets]") {
  const auto all = target::load_all_targets();
  std::set<std::string> names;
  for (const auto& t : all) names.insert(t.name);
  for (const char* want : {"rv1103", "rv1103b", "rv1106", "rv1106b", "rk2118", "rk3562", "rk3566", "rk3568", "rk3576",
                           "rk3588", "rk1820", "rk1828"})
    CHECK(names.count(want) == 1);
  CHECK(names.size() == 12);  // a new file needs its own TEST_CASE below
  // Sorted by name, so listings are deterministic.
  for (size_t i = 1; i < all.size(); ++i) CHECK(all[i - 1].name < all[i].name);
}

// One case per target file, so the report names the file that fails.
TEST_CASE("targets: rk1820.yaml loads, every number has a source", "[targets]") { check_target_file("rk1820"); }
TEST_CASE("targets: rk1828.yaml loads, every number has a source", "[targets]") { check_target_file("rk1828"); }
TEST_CASE("targets: rk2118.yaml loads, every number has a source", "[targets]") { check_target_file("rk2118"); }
TEST_CASE("targets: rk3562.yaml loads, every number has a source", "[targets]") { check_target_file("rk3562"); }
TEST_CASE("targets: rk3566.yaml loads, every number has a source", "[targets]") { check_target_file("rk3566"); }
TEST_CASE("targets: rk3568.yaml loads, every number has a source", "[targets]") { check_target_file("rk3568"); }
TEST_CASE("targets: rk3576.yaml loads, every number has a source", "[targets]") { check_target_file("rk3576"); }
TEST_CASE("targets: rk3588.yaml loads, every number has a source", "[targets]") { check_target_file("rk3588"); }
TEST_CASE("targets: rv1103.yaml loads, every number has a source", "[targets]") { check_target_file("rv1103"); }
TEST_CASE("targets: rv1103b.yaml loads, every number has a source", "[targets]") { check_target_file("rv1103b"); }
TEST_CASE("targets: rv1106.yaml loads, every number has a source", "[targets]") { check_target_file("rv1106"); }
TEST_CASE("targets: rv1106b.yaml loads, every number has a source", "[targets]") { check_target_file("rv1106b"); }

TEST_CASE("targets: accepted source forms", "[targets]") {
  CHECK(accepted_source("004-rknn-sdk-user-guide-v2.3.0.txt §5.1 (table 5-1)"));
  CHECK(accepted_source("datasheet: Rockchip RK3588 brief, NPU 6 TOPS INT8"));
  CHECK(accepted_source("doc: rockchip-linux/rknn-toolkit2 doc/RKNNToolKit2_OP_Support-1.4.0.md"));
  CHECK(accepted_source("derived: 6 TOPS / 2 / 1000 MHz / 3 cores = 1000"));
  CHECK(accepted_source("assumed: no public figure"));
  CHECK(accepted_source("calibrated on rk3588, 2025-01-01"));
  CHECK_FALSE(accepted_source("the internet"));
  CHECK_FALSE(accepted_source("derived:"));
  CHECK_FALSE(accepted_source("004-rknn-sdk-user-guide-v2.3.0.txt"));
}

TEST_CASE("targets: NPU data the compiler reads", "[targets]") {
  const auto a = target::find_target("rk3588");
  CHECK(a.npu.clock_mhz == 1000);
  CHECK(a.npu.sram_bytes == 956 * 1024);
  CHECK(a.npu.c2.at("int8") == 16);
  CHECK(a.npu.c2.at("float16") == 8);
  CHECK(a.npu_runs("Conv"));
  CHECK_FALSE(a.npu_runs("QuantizeLinear"));
  CHECK_FALSE(a.npu_runs("NonMaxSuppression"));
  CHECK(a.multi_core_op("Conv"));
  CHECK_FALSE(a.multi_core_op("Softmax"));
  CHECK(target::find_target("rk3568").npu.c2.at("int8") == 8);  // §5.1 worked example
  CHECK(target::find_target("rk3568").npu.c2.at("float16") == 4);
  for (const char* name : {"rk3588", "rk3566", "rk3562"}) {
    INFO(name);
    CHECK(target::find_target(name).npu.limits.max_kernel > 0);  // a Conv beyond it lands on the CPU
  }
  CHECK(target::find_target("rv1106").npu.multi_core_ops.empty());
}

TEST_CASE("targets: a missing cost_model constant is a config error naming file and key", "[targets]") {
  auto t = target::find_target("rk3588");
  t.cost["npu_efficiency"] = 0.5;
  CHECK(t.cost_constant("npu_efficiency") == 0.5);
  try {
    t.cost_constant("no_such_constant");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::Usage);
    const std::string msg = e.what();
    CHECK_THAT(msg, Catch::Contains("targets/rk3588.yaml: cost_model.no_such_constant is missing"));
    CHECK(msg.find('\n') == std::string::npos);
  }
}

TEST_CASE("targets: spec facts", "[targets]") {
  CHECK(target::find_target("rk3588").npu_cores == 3);
  CHECK(target::find_target("rk3576").npu_cores == 2);
  CHECK(target::find_target("rk3568").npu_cores == 1);
  CHECK(target::find_target("rk1820").npu_cores == 8);
  CHECK(target::find_target("rk3566").supports_encryption);
  CHECK_FALSE(target::find_target("rv1106").supports_encryption);
  CHECK_FALSE(target::find_target("rv1103b").supports_dynamic_input);
  CHECK(target::find_target("rk3562").supports_dynamic_input);
  // 004 §5.11: sparse inference is RK3576 only.
  for (const auto& t : target::load_all_targets()) CHECK(t.supports_sparse_infer == (t.name == "rk3576"));
  // RK3566 and RK3568 share one NPU: identical data apart from name/description.
  auto a = target::find_target("rk3566").data, b = target::find_target("rk3568").data;
  for (auto* j : {&a, &b}) {
    j->erase("name");
    j->erase("description");
  }
  CHECK(a == b);
}

TEST_CASE("targets: alias and case-insensitive lookup", "[targets]") {
  CHECK(target::find_target("RK3588").name == "rk3588");
  CHECK(target::find_target("rk3588s").name == "rk3588");
  CHECK(target::find_target("RK3588S").name == "rk3588");
  CHECK(target::find_target("Rv1106B").name == "rv1106b");
}

TEST_CASE("targets: a typo is a usage error listing every target and the nearest", "[targets]") {
  try {
    target::find_target("rk3858");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::Usage);
    const std::string msg = e.what();
    CHECK_THAT(msg, Catch::Contains("unknown target platform 'rk3858'"));
    CHECK_THAT(msg, Catch::Contains("did you mean rk3588?"));
    for (const auto& t : target::load_all_targets()) CHECK_THAT(msg, Catch::Contains(t.name));
    CHECK_THAT(msg, Catch::Contains("rk3588s"));
    CHECK(msg.find('\n') == std::string::npos);
  }
}

TEST_CASE("targets: data_dir honours RKNNC_DATA_DIR", "[targets]") {
  const char* old = std::getenv("RKNNC_DATA_DIR");
  const std::string saved = old ? old : "";
  setenv("RKNNC_DATA_DIR", "/nonexistent/rknnc-data", 1);
  CHECK(target::data_dir() == std::filesystem::path("/nonexistent/rknnc-data"));
  CHECK_THROWS_AS(target::find_target("rk3588"), Error);  // nothing there: a clean error, no crash
  if (old)
    setenv("RKNNC_DATA_DIR", saved.c_str(), 1);
  else
    unsetenv("RKNNC_DATA_DIR");
  CHECK(target::find_target("rk3588").name == "rk3588");
}
