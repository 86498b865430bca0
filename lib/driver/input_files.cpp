#include "driver/input_files.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

namespace rknnc::driver {
namespace fs = std::filesystem;
namespace {

void add(std::vector<fs::path>& out, const fs::path& p) {
  std::error_code ec;
  if (p.empty() || !fs::is_regular_file(p, ec)) return;
  const fs::path n = p.lexically_normal();
  if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
}

// The list and every file it names (any count per line; read_dataset_list
// checks counts and existence when convert() runs).
void add_dataset(std::vector<fs::path>& out, const fs::path& list) {
  std::ifstream in(list);
  if (list.empty() || !in) return;
  add(out, list);
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string w;
    if (!(words >> w) || w[0] == '#') continue;
    do add(out, list.parent_path() / w);
    while (words >> w);
  }
}

}  // namespace

std::vector<fs::path> input_files(const config::ModelConfig& cfg) {
  std::vector<fs::path> out;
  add(out, cfg.yaml_path);
  for (const auto& p : {cfg.model_file_path, cfg.prototxt_file_path, cfg.caffemodel_file_path, cfg.darknet_cfg_path,
                        cfg.darknet_weights_path})
    add(out, p);
  add_dataset(out, cfg.dataset);
  add(out, cfg.configs.encrypt_key_file);  // another key gives other bytes
  add(out, cfg.configs.hybrid_cfg);
  return out;
}

}  // namespace rknnc::driver
