#pragma once
// ModelConfig: one `models:` entry of an rknn_convert YAML (004 §3.1.6,
// table 3-1) plus every rknn.config() parameter (001 §2.2.2) and build's
// rknn_batch_size. Paths are already resolved against the YAML's folder.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace rknnc::ir {
class Graph;
}

namespace rknnc::config {

namespace fs = std::filesystem;

struct Subgraphs {
  std::vector<std::vector<int64_t>> input_size_list;  // one shape per input
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
};

struct RknnConfig {
  std::vector<std::vector<float>> mean_values;  // per input; empty = all 0
  std::vector<std::vector<float>> std_values;   // per input; empty = all 1
  std::vector<bool> quant_img_RGB2BGR;          // per input (one value broadcasts)
  std::string quantized_dtype = "asymmetric_quantized-8";
  std::string quantized_algorithm = "normal";
  std::string quantized_method = "channel";
  std::string float_dtype = "float16";
  int optimization_level = 3;
  std::string target_platform;  // from YAML; -t wins
  std::string custom_string;
  bool remove_weight = false;
  bool compress_weight = false;
  bool single_core_mode = false;
  bool model_pruning = false;
  std::map<std::string, std::string> op_target;  // output tensor -> cpu/npu/gpu/auto
  std::vector<std::vector<std::vector<int64_t>>> dynamic_input;  // shape sets × inputs × dims
  bool quantize_weight = false;
  bool remove_reshape = false;
  bool sparse_infer = false;  // 004 §5.11: structured-sparse Conv weights, RK3576 only
  // rknnc extension (docs/encryption.md): write {name}.crypt.rknn encrypted at
  // this level (1..3; 0: not encrypted) with the key in encrypt_key_file.
  int encrypt_level = 0;
  fs::path encrypt_key_file;
  fs::path hybrid_cfg;        // rknnc extension: an edited .quantization.cfg (hybrid step2 in one go)
};

struct ModelConfig {
  fs::path yaml_path;   // the file it came from (for messages)
  std::string name;
  std::string platform;  // onnx, tensorflow, tflite, caffe, pytorch, darknet
  fs::path model_file_path;
  bool quantize = false;
  fs::path dataset;
  fs::path prototxt_file_path, caffemodel_file_path;
  fs::path darknet_cfg_path, darknet_weights_path;
  Subgraphs subgraphs;
  RknnConfig configs;
  int rknn_batch_size = 1;
  nlohmann::json echo;  // the entry as read (after defaults), for build.json
  std::vector<std::string> warnings;

  // "model.yml: configs.mean_values" style prefix for messages.
  std::string where(const std::string& key) const;
};

struct LoadOptions {
  // Reject keys whose feature is not built yet when set to a non-default
  // value (the table in unsupported.cpp). Off for tools that only read.
  bool reject_unsupported = true;
  // Require model_file_path (etc.) to name an existing file.
  bool check_files = true;
};

// Reads, schema-validates and resolves every `models:` entry of a YAML file.
// `models:` may hold one entry (a mapping, 004 §3.1.6) or a list of entries.
// Throws rknnc::Error (exit 2) with a one-line message naming file and key.
std::vector<ModelConfig> load_model_configs(const fs::path& yaml_path, const LoadOptions& options = {});
// The single entry that a conversion uses (the first; others are warnings).
ModelConfig load_model_config(const fs::path& yaml_path, const LoadOptions& options = {});
// Same, from YAML text; `yaml_path` names the file in messages and is the
// base for relative paths (its parent folder).
std::vector<ModelConfig> parse_model_configs(const std::string& yaml_text, const fs::path& yaml_path,
                                             const LoadOptions& options = {});

// One row per rknn_convert key whose values rknnc accepts only partly: set to
// another value than the default, it is a "not supported" error telling the
// user what to do instead.
struct UnsupportedKey {
  const char* key;          // dotted path in a model entry: "configs.quantized_dtype"
  const char* default_json; // JSON of the default; absent and null also count as default
  const char* hint;         // what to do instead
};
const std::vector<UnsupportedKey>& unsupported_keys();
// Throws "not supported" (exit 2) for the first row `entry` sets.
void check_supported(const ModelConfig& cfg);
// What a user of `platform: <platform>` (a source format rknnc does not load)
// does instead: the converter command that makes an ONNX model of it.
std::string platform_hint(const std::string& platform);
const std::vector<std::string>& loaded_platforms();
// The name users know a platform's format by ("tflite" → "TFLite").
std::string format_name(const std::string& platform);

// Checks the config against the loaded model (exit 2 on a mismatch):
// subgraphs.inputs/outputs name existing tensors; input_size_list has one
// shape per input; mean_values / std_values / quant_img_RGB2BGR have one
// entry per input, and each mean/std list has one value per channel.
// Channels: dim 1 of a 4-D input (NCHW, what ONNX models use), or the last
// dim when that input is NHWC (4-D with dim 3 in {1,3,4} and dim 1 not);
// inputs of other ranks take any count (a 1-value list broadcasts).
void check_against_model(const ModelConfig& cfg, const ir::Graph& graph);

}  // namespace rknnc::config
