#include "batch/expand.h"

#include <algorithm>

#include "util/error.h"

namespace rknnc::batch {
namespace fs = std::filesystem;
namespace {

bool is_yaml(const fs::path& p) { return p.extension() == ".yml" || p.extension() == ".yaml"; }

std::vector<fs::path> yaml_files_in(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (is_yaml(e.path()) && e.is_regular_file(ec)) out.push_back(e.path());
  if (ec) fail_config("{}: cannot list the folder: {}", dir.string(), ec.message());
  if (out.empty()) fail_config("{}: no *.yml or *.yaml files in this folder; give model YAMLs with -i", dir.string());
  std::sort(out.begin(), out.end());
  return out;
}

void add_unique(std::vector<fs::path>& out, const fs::path& p) {
  if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
}

}  // namespace

std::vector<fs::path> expand_configs(const std::vector<std::string>& inputs) {
  std::vector<fs::path> out;
  for (const auto& in : inputs) {
    std::error_code ec;
    if (fs::is_directory(in, ec)) {
      for (const auto& p : yaml_files_in(in)) add_unique(out, p);
    } else {
      add_unique(out, fs::path(in));  // a missing file fails its own job, naming it
    }
  }
  return out;
}

std::vector<target::Target> resolve_targets(const std::vector<std::string>& specs) {
  std::vector<target::Target> out;
  for (const auto& spec : specs) {
    if (spec.empty()) fail_config("-t: empty target name; give e.g. -t rk3588 or -t rk3588,rk3566");
    target::Target t = target::find_target(spec);
    const bool seen = std::any_of(out.begin(), out.end(), [&](const target::Target& o) { return o.name == t.name; });
    if (!seen) out.push_back(std::move(t));
  }
  return out;
}

std::vector<Job> make_jobs(const std::vector<fs::path>& configs, const std::vector<target::Target>& targets,
                           const fs::path& out_dir) {
  const bool flat = configs.size() == 1 && targets.size() == 1;
  std::vector<Job> jobs;
  for (const auto& c : configs)
    for (const auto& t : targets) jobs.push_back({c, t, flat ? out_dir : out_dir / t.name});
  return jobs;
}

}  // namespace rknnc::batch
