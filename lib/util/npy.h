#pragma once
// NumPy .npy v1/v2/v3 files: little-endian numeric dtypes, C order.
#include <filesystem>
#include <string>

#include "ir/tensor.h"

namespace rknnc {
ir::Tensor read_npy(const std::filesystem::path& path);
ir::Tensor parse_npy(const std::string& bytes, const std::string& what);
std::string to_npy(const ir::Tensor& t);
}  // namespace rknnc
