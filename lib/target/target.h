#pragma once
// Target: one NPU platform, loaded from targets/<name>.yaml. Code asks the
// Target; it never compares platform names.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rknnc::target {

// Parameter limits of NPU ops (0: no limit given); an op beyond one runs on the CPU.
struct NpuLimits {
  int max_kernel = 0;         // largest kernel side (h or w) of Conv / pooling
  int max_stride = 0;         // largest stride
  int64_t max_channels = 0;   // largest input or output channel count of a Conv
};

// NPU hardware data (the `npu:` block of targets/*.yaml), read by the compiler.
struct NpuData {
  double clock_mhz = 0;                          // NPU clock
  std::map<std::string, double> macs_per_cycle;  // per core, by dtype ("int8", "float16")
  double ddr_bandwidth_gbps = 0;                 // DDR bandwidth, 1e9 bytes per second
  int64_t sram_bytes = 0;                        // on-chip SRAM for internal tensors (0: none)
  std::map<std::string, int> c2;                 // NC1HWC2 C2 by dtype (§5.1 table 5-1)
  std::vector<std::string> ops;                  // ONNX op types the NPU runs
  std::vector<std::string> multi_core_ops;       // ops split across cores (§5.3.2)
  NpuLimits limits;
};

struct Target {
  std::string name;                  // canonical, lower case: "rk3588"
  std::vector<std::string> aliases;  // "rk3588s"
  std::string description;
  int npu_cores = 1;
  std::vector<std::string> dtypes;   // "int8", "float16", …
  bool supports_encryption = false;
  bool supports_dynamic_input = false;
  bool supports_sparse_infer = false;  // configs.sparse_infer (004 §5.11)
  NpuData npu;
  // Cost-model constants (`cost_model:` block, calibrated; docs/cost-model.md).
  std::map<std::string, double> cost;
  nlohmann::json data;               // the whole file, for later stages
  std::filesystem::path file;        // where it came from

  std::vector<std::string> names_for_lookup() const;  // name, then aliases
  // A cost_model constant; a config error naming the file when it is missing.
  double cost_constant(const std::string& key) const;
  bool npu_runs(const std::string& op) const;       // op in npu.ops
  bool multi_core_op(const std::string& op) const;  // op in npu.multi_core_ops
};

// Folder holding targets/ and schemas/: $RKNNC_DATA_DIR, else
// <exe dir>/../share/rknnc (via /proc/self/exe), else the configured install
// data dir, else the source tree (in that order; the first that has targets/).
std::filesystem::path data_dir();
std::vector<Target> load_all_targets();
// Case-insensitive by name or alias; on a miss, a usage error listing all names.
Target find_target(const std::string& name);

}  // namespace rknnc::target
