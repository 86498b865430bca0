#pragma once
// The files one conversion reads, for incremental builds (content hash) and
// Make depfiles: the model YAML, the model file(s), the dataset list and every
// sample it names, the encryption key file. The target file comes from target::Target::file.
// A new input of convert() (e.g. a hybrid .cfg) must be added here.
#include <filesystem>
#include <vector>

#include "config/model_config.h"

namespace rknnc::driver {

// Paths are lexically normalised, in a fixed order (YAML, model, dataset list,
// samples in list order), without duplicates. Files that do not exist are
// left out: convert() reports them.
std::vector<std::filesystem::path> input_files(const config::ModelConfig& cfg);

}  // namespace rknnc::driver
