#pragma once
// Outputs appear whole or not at all: files are staged as temp files next to
// their destination and renamed into place by commit(). A StagedOutputs that
// is destroyed without commit() removes its temp files.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace rknnc {

class StagedOutputs {
 public:
  StagedOutputs() = default;
  StagedOutputs(const StagedOutputs&) = delete;
  StagedOutputs& operator=(const StagedOutputs&) = delete;
  ~StagedOutputs();

  void add(const std::filesystem::path& dest, std::string_view bytes);
  void commit();  // creates parent folders, renames every staged file into place
  void discard();

 private:
  std::vector<std::pair<std::filesystem::path, std::filesystem::path>> staged_;  // temp, dest
};

// Throws a one-line usage error (naming `what`, e.g. "--depfile") when `dest`
// cannot be written: it is a folder, or its nearest existing ancestor is a
// file or not writable. For outputs written after long work, checked first.
void check_writable(const std::filesystem::path& dest, const std::string& what);

// Convenience for one file.
void write_file_atomic(const std::filesystem::path& dest, std::string_view bytes);
std::string read_file(const std::filesystem::path& path, const std::string& what);

}  // namespace rknnc
