#include "util/file_names.h"

#include <fmt/format.h>

#include <cctype>
#include <cstdint>
#include <set>

namespace rknnc {
namespace {

uint64_t fnv1a(const std::string& s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

}  // namespace

std::string safe_file_name(const std::string& tensor) {
  std::string out;
  for (char c : tensor) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.') ? c : '_';
  if (out.empty() || out[0] == '.') out = "_" + out;
  if (out.size() > kMaxTensorFileBytes) out = fmt::format("{}_{:016x}", out.substr(0, kMaxTensorFileBytes - 17), fnv1a(tensor));
  return out;
}

std::map<std::string, std::string> unique_file_names(const std::vector<std::string>& tensors) {
  std::map<std::string, std::string> out;
  std::set<std::string> taken;
  for (const auto& t : tensors) taken.insert(safe_file_name(t));
  std::set<std::string> used;
  for (const auto& t : tensors) {
    if (out.count(t)) continue;
    const std::string base = safe_file_name(t);
    std::string name = base;
    for (int i = 2; used.count(name) || (name != base && taken.count(name)); ++i) name = fmt::format("{}_{}", base, i);
    used.insert(name);
    out[t] = name;
  }
  return out;
}

}  // namespace rknnc
