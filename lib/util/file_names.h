#pragma once
// Tensor names as file names: anything but [A-Za-z0-9.-] becomes '_', and a
// leading '.' or an empty name gets a '_' prefix (no hidden files, no '/').
#include <cctype>
#include <string>

namespace rknnc {

inline std::string safe_file_name(const std::string& tensor) {
  std::string out;
  for (char c : tensor) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.') ? c : '_';
  if (out.empty() || out[0] == '.') out = "_" + out;
  return out;
}

}  // namespace rknnc
