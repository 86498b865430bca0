#include "frontends/frontend.h"

#include "util/error.h"

namespace rknnc::frontends {

ir::Graph load_model(const std::string& platform, const std::filesystem::path& path, const LoadOptions& options) {
  if (platform == "onnx") return load_onnx(path, options);
  fail_config("platform '{}' is not supported yet (supported: onnx); export the model to ONNX and set platform: onnx",
              platform);
}

}  // namespace rknnc::frontends
