#include "dataset/dataset_list.h"

#include <sstream>

#include "util/atomic_file.h"
#include "util/error.h"
#include "util/strings.h"

namespace rknnc::dataset {
namespace fs = std::filesystem;

std::string lower_extension(const fs::path& p) {
  return to_lower(p.extension().string());
}

bool supported_extension(const fs::path& p) {
  const std::string ext = lower_extension(p);
  return ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".bmp" || ext == ".npy";
}

std::vector<Sample> read_dataset_list(const fs::path& list, size_t num_inputs) {
  const std::string text = read_file(list, "dataset list (key: dataset)");
  if (text.find('\0') != std::string::npos)
    fail("{}: dataset list is a binary file; it must be text with one sample per line", list.string());
  std::vector<Sample> samples;
  // A byte order mark (Windows Notepad writes one) is not part of the first path.
  std::istringstream lines(text.starts_with("\xEF\xBB\xBF") ? text.substr(3) : text);
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::istringstream words(line);
    Sample s{number, {}};
    for (std::string w; words >> w;) s.files.push_back(list.parent_path() / w);
    if (s.files.empty() || line.find_first_not_of(" \t") == std::string::npos || line[line.find_first_not_of(" \t")] == '#')
      continue;
    const std::string where = list.string() + ":" + std::to_string(number);
    if (s.files.size() != num_inputs)
      fail("{}: {} file(s) on the line, the model has {} input(s); give one file per input, space-separated", where,
           s.files.size(), num_inputs);
    for (const auto& f : s.files) {
      std::error_code ec;
      if (fs::is_directory(f, ec)) fail("{}: '{}' is a folder; give one image or .npy file per input", where, f.string());
      if (!fs::is_regular_file(f, ec)) fail("{}: '{}' not found (paths are relative to the list file)", where, f.string());
      if (!supported_extension(f)) fail("{}: '{}' is not a .jpg/.png/.bmp/.npy file", where, f.string());
    }
    samples.push_back(std::move(s));
  }
  if (samples.empty()) fail("{}: dataset list has no samples; add one image or .npy path per line", list.string());
  return samples;
}

}  // namespace rknnc::dataset
