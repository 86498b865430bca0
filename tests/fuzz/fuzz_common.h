#pragma once
// Shared by the libFuzzer harnesses (docs/fuzzing.md). A harness feeds bytes
// to one reader; rknnc::Error is the expected rejection of a bad file, every
// other exception escapes on purpose: libFuzzer (or tests/fuzz/replay_main.cpp)
// reports it as a crash, because a user would see it as "internal error".
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "util/error.h"

namespace rknnc::fuzz {

inline std::string as_string(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

// Runs `read`; a one-line rknnc::Error is a correct answer to a bad file.
template <typename F>
int reject_errors(F&& read) {
  try {
    read();
  } catch (const rknnc::Error&) {
  }
  return 0;
}

// A private folder for the files a path-based reader needs (one per process,
// removed at exit; readers that take a path get their input from here).
inline const std::filesystem::path& scratch_dir() {
  static const std::filesystem::path dir = [] {
    std::string tmpl = (std::filesystem::temp_directory_path() / "rknnc-fuzz-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) std::abort();
    std::atexit([] { std::error_code ec; std::filesystem::remove_all(scratch_dir(), ec); });
    return std::filesystem::path(tmpl);
  }();
  return dir;
}

inline std::filesystem::path write_scratch(const std::string& name, const std::string& bytes) {
  const std::filesystem::path p = scratch_dir() / name;
  std::ofstream(p, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return p;
}

}  // namespace rknnc::fuzz
