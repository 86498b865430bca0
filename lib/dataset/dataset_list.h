#pragma once
// dataset.txt as rknn_convert reads it (004 §3.1, 001 build()): one sample per
// line, paths relative to the txt file, several space-separated files per line
// for multi-input models. Blank lines and lines starting with '#' are skipped.
#include <filesystem>
#include <string>
#include <vector>

namespace rknnc::dataset {

struct Sample {
  int line = 0;  // 1-based line number in the list, for messages
  std::vector<std::filesystem::path> files;  // one per model input
};

// Every bad line (wrong file count, missing file, unsupported extension) is a
// one-line error naming the list file and line number. An empty list is an error.
std::vector<Sample> read_dataset_list(const std::filesystem::path& list, size_t num_inputs);

// The file's extension in lower case (".png"), and whether the loader takes
// it: .jpg/.jpeg/.png/.bmp images and .npy arrays.
std::string lower_extension(const std::filesystem::path& p);
bool supported_extension(const std::filesystem::path& p);

}  // namespace rknnc::dataset
