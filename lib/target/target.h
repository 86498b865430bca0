#pragma once
// Target: one NPU platform, loaded from targets/<name>.yaml. Code asks the
// Target; it never compares platform names.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rknnc::target {

struct Target {
  std::string name;                  // canonical, lower case: "rk3588"
  std::vector<std::string> aliases;  // "rk3588s"
  std::string description;
  int npu_cores = 1;
  std::vector<std::string> dtypes;   // "int8", "float16", …
  bool supports_encryption = false;
  bool supports_dynamic_input = false;
  nlohmann::json data;               // the whole file, for later stages
  std::filesystem::path file;        // where it came from

  std::vector<std::string> names_for_lookup() const;  // name, then aliases
};

// Folder holding targets/ and schemas/: $RKNNC_DATA_DIR, else
// <exe dir>/../share/rknnc (via /proc/self/exe), else the configured install
// data dir, else the source tree (in that order; the first that has targets/).
std::filesystem::path data_dir();
std::vector<Target> load_all_targets();
// Case-insensitive by name or alias; on a miss, a usage error listing all names.
Target find_target(const std::string& name);

}  // namespace rknnc::target
