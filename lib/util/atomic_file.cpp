#include "util/atomic_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "util/error.h"

namespace rknnc {
namespace fs = std::filesystem;

StagedOutputs::~StagedOutputs() { discard(); }

void StagedOutputs::add(const fs::path& dest, std::string_view bytes) {
  std::error_code ec;
  const fs::path dir = dest.parent_path().empty() ? fs::path(".") : dest.parent_path();
  fs::create_directories(dir, ec);
  if (ec) fail_config("{}: cannot create output folder: {}", dir.string(), ec.message());
  const fs::path tmp = dir / fmt::format(".{}.tmp{}", dest.filename().string(), ::getpid());
  {
    errno = 0;
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out)
      fail_config("{}: cannot write output ({}); check the path and its permissions", dest.string(),
                  errno ? std::strerror(errno) : "permission denied or bad path");
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      fs::remove(tmp, ec);
      fail("{}: write failed (disk full?)", dest.string());
    }
  }
  staged_.emplace_back(tmp, dest);
}

void StagedOutputs::commit() {
  for (const auto& [tmp, dest] : staged_) {
    std::error_code ec;
    fs::rename(tmp, dest, ec);
    if (ec) fail("{}: cannot move output into place: {}", dest.string(), ec.message());
  }
  staged_.clear();
}

void StagedOutputs::discard() {
  for (const auto& [tmp, dest] : staged_) {
    std::error_code ec;
    fs::remove(tmp, ec);
  }
  staged_.clear();
}

void check_writable(const fs::path& dest, const std::string& what) {
  std::error_code ec;
  if (fs::is_directory(dest, ec)) fail_config("{} {}: is a folder; give a file path", what, dest.string());
  fs::path dir = fs::absolute(dest, ec).parent_path();
  while (!dir.empty() && !fs::exists(dir, ec) && dir != dir.parent_path()) dir = dir.parent_path();
  if (!fs::is_directory(dir, ec))
    fail_config("{} {}: {} is a file, so no folder can be made there; give another path", what, dest.string(),
                dir.string());
  if (::access(dir.c_str(), W_OK) != 0)
    fail_config("{} {}: cannot write in {} ({}); give another path", what, dest.string(), dir.string(),
                std::strerror(errno));
}

void write_file_atomic(const fs::path& dest, std::string_view bytes) {
  StagedOutputs out;
  out.add(dest, bytes);
  out.commit();
}

std::string read_file(const fs::path& path, const std::string& what) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) fail_config("{}: is a folder; give the {}", path.string(), what);
  if (!fs::is_regular_file(path, ec)) fail_config("{}: {} not found", path.string(), what);
  std::ifstream in(path, std::ios::binary);
  if (!in) fail_config("{}: cannot read {}", path.string(), what);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace rknnc
