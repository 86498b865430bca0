#pragma once
// The conversion driver: model YAML → config → frontend → passes → .rknn +
// build.json, written atomically. The CLI's default command calls this.
#include <filesystem>
#include <string>
#include <vector>

namespace rknnc::driver {

struct ConvertRequest {
  std::filesystem::path yaml;
  std::string target;
  std::filesystem::path out_dir;
  bool verbose = false;
  // -a: one file per model input (images or .npy), analysed after conversion.
  std::vector<std::filesystem::path> accuracy_inputs;
};

struct ConvertResult {
  std::string model_name;
  std::vector<std::filesystem::path> written;
  std::vector<std::string> warnings;
  std::vector<std::string> log;  // -v lines
};

ConvertResult convert(const ConvertRequest& request);

}  // namespace rknnc::driver
