// Keys parsed and validated now whose feature a later issue builds. Setting
// one to a non-default value is a one-line "not yet supported" error. When an
// issue lands, it deletes its rows here (and the tests that expect the error).
#include <nlohmann/json.hpp>

#include <algorithm>

#include "config/model_config.h"
#include "util/error.h"

namespace rknnc::config {

const std::vector<UnsupportedKey>& unsupported_keys() {
  static const std::vector<UnsupportedKey> table = {
      {"platform", "\"onnx\"", "a later frontend issue (only ONNX models load today)"},
      {"configs.quantized_dtype", "\"asymmetric_quantized-8\"", "a later issue (RK182x w8a8 / w4a16, 002 §2.2)"},
  };
  return table;
}

void check_supported(const ModelConfig& cfg) {
  for (const auto& row : unsupported_keys()) {
    std::string pointer = row.key;
    std::replace(pointer.begin(), pointer.end(), '.', '/');
    pointer.insert(pointer.begin(), '/');
    const nlohmann::json::json_pointer ptr(pointer);
    if (!cfg.echo.contains(ptr)) continue;
    const nlohmann::json& value = cfg.echo.at(ptr);
    if (value.is_null() || value == nlohmann::json::parse(row.default_json)) continue;
    fail_config("{}: {} is not yet supported (comes with {}); remove the key or set it to {}", cfg.where(row.key),
                value.dump(), row.issue, row.default_json);
  }
}

}  // namespace rknnc::config
