// Targets as data: every file loads, every claim has a source, lookups.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <regex>
#include <set>

#include "target/target.h"
#include "util/error.h"

using namespace rknnc;

namespace {

// Every leaf number/bool/string under npu_cores, dtypes, supports_* and limits
// sits in a {value, source} mapping with a spec file + section.
void require_sourced(const nlohmann::json& node, const std::string& where) {
  INFO(where);
  REQUIRE(node.is_object());
  REQUIRE(node.contains("value"));
  REQUIRE(node.contains("source"));
  static const std::regex kSource("^00[0-4]-[A-Za-z0-9.-]+\\.txt §[0-9].*");
  CHECK(std::regex_match(node["source"].get<std::string>(), kSource));
}

}  // namespace

TEST_CASE("targets: every platform of the spec has a file that loads", "[targets]") {
  const auto all = target::load_all_targets();
  std::set<std::string> names;
  for (const auto& t : all) names.insert(t.name);
  for (const char* want : {"rv1103", "rv1103b", "rv1106", "rv1106b", "rk2118", "rk3562", "rk3566", "rk3568", "rk3576",
                           "rk3588", "rk1820", "rk1828"})
    CHECK(names.count(want) == 1);
  // Sorted by name, so listings are deterministic.
  for (size_t i = 1; i < all.size(); ++i) CHECK(all[i - 1].name < all[i].name);
}

TEST_CASE("targets: every number and claim carries a spec source", "[targets]") {
  for (const auto& t : target::load_all_targets()) {
    const auto& d = t.data;
    for (const char* key : {"npu_cores", "dtypes", "supports_encryption", "supports_dynamic_input"})
      require_sourced(d[key], t.name + "." + key);
    if (d.contains("limits"))
      for (auto it = d["limits"].begin(); it != d["limits"].end(); ++it)
        require_sourced(it.value(), t.name + ".limits." + it.key());
    CHECK(t.npu_cores >= 1);
    CHECK_FALSE(t.dtypes.empty());
    CHECK(t.file.stem() == t.name);
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
