#include "frontends/frontend.h"

#include "config/model_config.h"
#include "util/error.h"

namespace rknnc::frontends {

ir::Graph load_model(const std::string& platform, const std::filesystem::path& path, const LoadOptions& options) {
  if (platform == "onnx") return load_onnx(path, options);
  fail_config("platform '{}' is not supported; {}", platform, config::platform_hint(platform));
}

}  // namespace rknnc::frontends
