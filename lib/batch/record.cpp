#include "batch/record.h"

#include <fstream>
#include <sstream>

#include "util/sha256.h"
#include "util/atomic_file.h"
#include "util/build_id.h"

namespace rknnc::batch {
namespace fs = std::filesystem;

std::vector<HashedInput> hash_inputs(const std::vector<fs::path>& inputs, const fs::path& yaml) {
  std::vector<HashedInput> out;
  const fs::path base = yaml.parent_path().lexically_normal();
  for (const auto& p : inputs) {
    const fs::path rel = p.lexically_relative(base);
    out.push_back({(rel.empty() ? p : rel).generic_string(), sha256_file(p)});
  }
  return out;
}

std::string inputs_digest(const std::vector<HashedInput>& inputs, const target::Target& target) {
  Sha256 h;
  // The build ID too: a rebuilt rknnc of the same version may write other bytes.
  h.update("rknnc " RKNNC_VERSION " " + build_id() + "\n");
  h.update("target " + target.name + " " + sha256_file(target.file) + "\n");
  for (const auto& in : inputs) h.update("file " + in.path + " " + in.sha256 + "\n");
  return h.hex();
}

fs::path record_path(const fs::path& out_dir, const std::string& name) { return out_dir / (name + ".inputs.sha256"); }

std::optional<Record> read_record(const fs::path& path) {
  std::ifstream in(path);
  Record r;
  if (!in || !std::getline(in, r.digest) || r.digest.empty()) return std::nullopt;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) r.outputs.push_back(line);
  return r;
}

void write_record(const fs::path& path, const Record& record) {
  std::ostringstream text;
  text << record.digest << "\n";
  for (const auto& o : record.outputs) text << o << "\n";
  write_file_atomic(path, text.str());
}

std::optional<Record> up_to_date(const fs::path& path, const std::string& digest) {
  auto r = read_record(path);
  if (!r || r->digest != digest || r->outputs.empty()) return std::nullopt;
  for (const auto& o : r->outputs) {
    std::error_code ec;
    if (!fs::is_regular_file(path.parent_path() / o, ec)) return std::nullopt;
  }
  return r;
}

void refresh_times(const fs::path& path, const Record& record) {
  const auto now = fs::file_time_type::clock::now();
  std::error_code ec;
  for (const auto& o : record.outputs) fs::last_write_time(path.parent_path() / o, now, ec);
  fs::last_write_time(path, now, ec);
}

}  // namespace rknnc::batch
