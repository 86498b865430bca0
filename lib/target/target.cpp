// Targets as data: targets/*.yaml, validated against schemas/target.schema.json.
#include "target/target.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>

#include "config/nearest.h"
#include "config/schema_check.h"
#include "config/yaml_json.h"
#include "target/data_dirs.h"  // generated: RKNNC_SOURCE_DATA_DIR, RKNNC_INSTALL_DATA_DIR
#include "util/error.h"
#include "util/strings.h"

namespace rknnc::target {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

bool has_targets(const fs::path& dir) {
  std::error_code ec;
  return !dir.empty() && fs::is_directory(dir / "targets", ec);
}

fs::path exe_dir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe.parent_path();
}

template <class T>
T value_or(const json& block, const char* key, T fallback) {
  return block.contains(key) ? block[key]["value"].get<T>() : fallback;
}

// The `npu:` block (validated by the schema, so every required key is there).
NpuData npu_from_json(const json& npu) {
  NpuData d;
  d.clock_mhz = npu["clock_mhz"]["value"].get<double>();
  d.macs_per_cycle = npu["macs_per_cycle"]["value"].get<std::map<std::string, double>>();
  d.ddr_bandwidth_gbps = npu["ddr_bandwidth_gbps"]["value"].get<double>();
  d.sram_bytes = npu["sram_kb"]["value"].get<int64_t>() * 1024;
  d.c2 = npu["c2"]["value"].get<std::map<std::string, int>>();
  d.ops = npu["ops"]["value"].get<std::vector<std::string>>();
  d.multi_core_ops = npu["multi_core_ops"]["value"].get<std::vector<std::string>>();
  d.limits.max_kernel = value_or(npu, "max_kernel", 0);
  d.limits.max_stride = value_or(npu, "max_stride", 0);
  d.limits.max_channels = value_or<int64_t>(npu, "max_channels", 0);
  return d;
}

Target from_json(const json& doc, const fs::path& file) {
  Target t;
  t.name = doc["name"].get<std::string>();
  if (doc.contains("aliases")) t.aliases = doc["aliases"].get<std::vector<std::string>>();
  t.description = doc.value("description", "");
  t.npu_cores = doc["npu_cores"]["value"].get<int>();
  t.dtypes = doc["dtypes"]["value"].get<std::vector<std::string>>();
  t.supports_encryption = doc["supports_encryption"]["value"].get<bool>();
  t.supports_dynamic_input = doc["supports_dynamic_input"]["value"].get<bool>();
  t.supports_sparse_infer = doc["supports_sparse_infer"]["value"].get<bool>();
  t.npu = npu_from_json(doc["npu"]);
  if (doc.contains("cost_model"))
    for (auto it = doc["cost_model"].begin(); it != doc["cost_model"].end(); ++it)
      t.cost[it.key()] = it.value()["value"].get<double>();
  t.data = doc;
  t.file = file;
  return t;
}

std::vector<Target> load_targets_uncached() {
  const fs::path dir = data_dir() / "targets";
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".yaml") files.push_back(e.path());
  if (ec || files.empty())
    fail_config("{}: no target files (*.yaml) found; reinstall rknnc or set RKNNC_DATA_DIR", dir.string());
  std::sort(files.begin(), files.end());
  const json schema = config::load_schema("target.schema.json");
  std::vector<Target> out;
  for (const auto& f : files) {
    const json doc = config::yaml_file_to_json(f);
    config::validate_or_fail(doc, schema, f.string());
    Target t = from_json(doc, f);
    if (t.name != f.stem().string())
      fail_config("{}: name: '{}' differs from the file name; rename one of them", f.string(), t.name);
    out.push_back(std::move(t));
  }
  // Names and aliases must be unique case-insensitively.
  std::map<std::string, std::string> seen;
  for (const auto& t : out)
    for (const auto& n : t.names_for_lookup()) {
      auto [it, fresh] = seen.emplace(to_lower(n), t.name);
      if (!fresh)
        fail_config("{}: '{}' is also a name or alias of {}; each name must be unique", t.file.string(), n,
                    it->second);
    }
  std::sort(out.begin(), out.end(), [](const Target& a, const Target& b) { return a.name < b.name; });
  return out;
}

}  // namespace

std::vector<std::string> Target::names_for_lookup() const {
  std::vector<std::string> n{name};
  n.insert(n.end(), aliases.begin(), aliases.end());
  return n;
}

double Target::cost_constant(const std::string& key) const {
  const auto it = cost.find(key);
  if (it == cost.end())
    fail_config("{}: cost_model.{} is missing; add it as {{value: <number>, source: \"calibrated on …\"}} "
                "(docs/targets.md)",
                file.string(), key);
  return it->second;
}

bool Target::npu_runs(const std::string& op) const {
  return std::find(npu.ops.begin(), npu.ops.end(), op) != npu.ops.end();
}

bool Target::multi_core_op(const std::string& op) const {
  return std::find(npu.multi_core_ops.begin(), npu.multi_core_ops.end(), op) != npu.multi_core_ops.end();
}

fs::path data_dir() {
  if (const char* env = std::getenv("RKNNC_DATA_DIR"); env && *env) return fs::path(env);
  const fs::path exe = exe_dir();
  if (!exe.empty() && has_targets(exe / ".." / "share" / "rknnc")) return (exe / ".." / "share" / "rknnc").lexically_normal();
  if (has_targets(RKNNC_INSTALL_DATA_DIR)) return fs::path(RKNNC_INSTALL_DATA_DIR);
  return fs::path(RKNNC_SOURCE_DATA_DIR);
}

std::vector<Target> load_all_targets() {
  // Loaded once per data folder (the environment may change it in tests).
  static std::mutex mu;
  static std::map<fs::path, std::vector<Target>> cache;
  const fs::path dir = data_dir();
  std::lock_guard lock(mu);
  auto it = cache.find(dir);
  if (it == cache.end()) it = cache.emplace(dir, load_targets_uncached()).first;
  return it->second;
}

Target find_target(const std::string& name) {
  const auto all = load_all_targets();
  const std::string want = to_lower(name);
  std::vector<std::string> names;
  for (const auto& t : all)
    for (const auto& n : t.names_for_lookup()) {
      if (to_lower(n) == want) return t;
      names.push_back(to_lower(n));
    }
  const std::string near = config::nearest(want, names);
  fail_config("unknown target platform '{}'{}; choose one of: {} (see rknnc targets)", name,
              near.empty() ? "" : fmt::format(" (did you mean {}?)", near), fmt::join(names, ", "));
}

}  // namespace rknnc::target
