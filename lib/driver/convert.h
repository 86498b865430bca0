#pragma once
// The conversion driver: model YAML → config → frontend → passes → .rknn +
// build.json, written atomically. The CLI's default command calls this.
#include <atomic>
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
  // Hybrid step2 (`rknnc hybrid step2 --cfg`): the edited .quantization.cfg;
  // empty: the model YAML's configs.hybrid_cfg, if any.
  std::filesystem::path hybrid_cfg;
  // Set by a signal handler or the batch scheduler; polled between stages (and
  // in long loops) with throw_if_cancelled (util/cancel.h). Null: never cancelled.
  const std::atomic<bool>* cancel = nullptr;
};

struct ConvertResult {
  std::string model_name;
  std::vector<std::filesystem::path> written;
  std::vector<std::string> warnings;
  std::vector<std::string> log;  // -v lines
};

// Every file a conversion reads lives in driver/input_files.h (input_files()):
// add a new input there too, so incremental builds and depfiles see it.
ConvertResult convert(const ConvertRequest& request);

}  // namespace rknnc::driver
