// YAML model config: text -> yaml-cpp -> JSON -> schema check -> ModelConfig,
// as `rknnc convert -i model.yml` reads it (file existence not checked: the
// fuzzer has no model files to point at).
#include "config/model_config.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  rknnc::config::LoadOptions options;
  options.check_files = false;
  return rknnc::fuzz::reject_errors(
      [&] { rknnc::config::parse_model_configs(rknnc::fuzz::as_string(data, size), "/fuzz/model.yml", options); });
}
