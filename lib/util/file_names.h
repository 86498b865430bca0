#pragma once
// Tensor names as file names: anything but [A-Za-z0-9.-] becomes '_', and a
// leading '.' or an empty name gets a '_' prefix (no hidden files, no '/').
// A name longer than kMaxTensorFileBytes keeps its first bytes plus a hash of
// the whole name, so "{name}.npy" always fits a file system's 255 bytes.
#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace rknnc {

constexpr size_t kMaxTensorFileBytes = 200;

std::string safe_file_name(const std::string& tensor);

// One distinct file name per tensor: where two names map to the same file
// name ("a/b" and "a_b"), the later one (in the given order) gets "_2", "_3" …
std::map<std::string, std::string> unique_file_names(const std::vector<std::string>& tensors);

// The same for the names of (name, value) pairs: a map or a vector of pairs.
template <typename Pairs>
std::map<std::string, std::string> unique_file_names_of(const Pairs& by_name) {
  std::vector<std::string> names;
  for (const auto& kv : by_name) names.push_back(kv.first);
  return unique_file_names(names);
}

}  // namespace rknnc
