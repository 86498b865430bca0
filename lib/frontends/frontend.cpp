#include "frontends/frontend.h"

#include <algorithm>
#include <cctype>

#include "config/model_config.h"
#include "frontends/pytorch/load_pytorch.h"
#include "frontends/tflite/load_tflite.h"
#include "util/error.h"

namespace rknnc::frontends {

const std::vector<Frontend>& frontends() {
  static const std::vector<Frontend> table = {
      {"onnx", {".onnx"}, load_onnx},
      {"pytorch", {".pt", ".pth", ".torchscript"}, load_pytorch, false},
      {"tflite", {".tflite"}, load_tflite},
  };
  return table;
}

std::string platform_of_file(const std::filesystem::path& path) {
  std::string suffix = path.extension().string();
  std::transform(suffix.begin(), suffix.end(), suffix.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const auto& f : frontends())
    if (std::find(f.suffixes.begin(), f.suffixes.end(), suffix) != f.suffixes.end()) return f.platform;
  return "onnx";
}

bool records_input_shapes(const std::string& platform) {
  for (const auto& f : frontends())
    if (f.platform == platform) return f.records_input_shapes;
  return true;
}

ir::Graph load_model(const std::string& platform, const std::filesystem::path& path, const LoadOptions& options) {
  for (const auto& f : frontends())
    if (f.platform == platform) return f.load(path, options);
  fail_config("platform '{}' is not supported; {}", platform, config::platform_hint(platform));
}

}  // namespace rknnc::frontends
