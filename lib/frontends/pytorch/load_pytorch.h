#pragma once
// platform: pytorch — a TorchScript file (.pt / .pth / .torchscript).
#include <filesystem>

#include "frontends/frontend.h"

namespace rknnc::frontends {

ir::Graph load_pytorch(const std::filesystem::path& path, const LoadOptions& options);

}  // namespace rknnc::frontends
