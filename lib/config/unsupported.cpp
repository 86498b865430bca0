// rknn_convert keys whose values rknnc accepts only partly. Setting one to
// another value than the default is a one-line error that says what to do.
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <string>

#include "config/model_config.h"
#include "config/yaml_json.h"
#include "util/error.h"

namespace rknnc::config {

const std::vector<UnsupportedKey>& unsupported_keys() {
  static const std::vector<UnsupportedKey> table = {
      {"configs.quantized_dtype", "\"asymmetric_quantized-8\"",
       "rknnc quantises to int8 (asymmetric_quantized-8); remove the key or set it to \"asymmetric_quantized-8\""},
  };
  return table;
}

std::string platform_hint(const std::string& platform) {
  static const std::map<std::string, std::string> hints = {
      {"pytorch", "export the model to ONNX with torch.onnx.export(model, example_input, \"model.onnx\", "
                  "opset_version=17)"},
      {"tflite", "convert the model to ONNX with `python3 -m tf2onnx.convert --tflite model.tflite --output model.onnx`"},
      {"tensorflow", "convert the model to ONNX with `python3 -m tf2onnx.convert --graphdef model.pb --inputs IN:0 "
                     "--outputs OUT:0 --output model.onnx`"},
      {"caffe", "convert the model (prototxt + caffemodel) to ONNX with a Caffe-to-ONNX converter"},
      {"darknet", "convert the model (cfg + weights) to ONNX, e.g. by loading it into a PyTorch port of the network "
                  "and exporting it with torch.onnx.export"},
  };
  const auto it = hints.find(platform);
  const std::string how = it != hints.end() ? it->second : "convert the model to ONNX";
  std::vector<std::string> loaded;
  for (const auto& p : loaded_platforms()) loaded.push_back(format_name(p));
  return fmt::format("rknnc loads {} models: {}, then set platform: onnx and model_file_path to the .onnx file",
                     fmt::join(loaded, ", "), how);
}

std::string format_name(const std::string& platform) {
  static const std::map<std::string, std::string> names = {
      {"onnx", "ONNX"}, {"tflite", "TFLite"}, {"pytorch", "TorchScript"}};
  const auto it = names.find(platform);
  return it != names.end() ? it->second : platform;
}

// The `platform` values that have a reader (lib/frontends' table, where a
// build without an optional library still accepts the platform and says so).
const std::vector<std::string>& loaded_platforms() {
  static const std::vector<std::string> platforms = {"onnx", "pytorch", "tflite"};
  return platforms;
}

void check_supported(const ModelConfig& cfg) {
  const auto& loaded = loaded_platforms();
  if (std::find(loaded.begin(), loaded.end(), cfg.platform) == loaded.end())
    fail_config("{}: \"{}\" is not supported; {}", cfg.where("platform"), cfg.platform, platform_hint(cfg.platform));
  for (const auto& row : unsupported_keys()) {
    std::string pointer = row.key;
    std::replace(pointer.begin(), pointer.end(), '.', '/');
    pointer.insert(pointer.begin(), '/');
    const nlohmann::json::json_pointer ptr(pointer);
    if (!cfg.echo.contains(ptr)) continue;
    const nlohmann::json& value = cfg.echo.at(ptr);
    if (value.is_null() || value == nlohmann::json::parse(row.default_json)) continue;
    fail_config("{}: {} is not supported; {}", cfg.where(row.key), json_text(value),
                row.hint);
  }
}

}  // namespace rknnc::config
