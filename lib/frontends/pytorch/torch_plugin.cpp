// Finds and opens librknnc_torch.so: beside the rknnc binary (the build
// tree), or under ../lib*/…/rknnc/ (installed into libdir/rknnc).
#include "frontends/pytorch/torch_plugin.h"

#include <dlfcn.h>

#include <filesystem>
#include <mutex>

#include "util/error.h"

namespace rknnc::frontends::pytorch {
namespace {

std::vector<std::filesystem::path> plugin_candidates() {
  std::error_code ec;
  const std::filesystem::path exe_dir = std::filesystem::read_symlink("/proc/self/exe", ec).parent_path();
  std::vector<std::filesystem::path> found{exe_dir / kTorchPluginName};
  const std::filesystem::path lib = exe_dir.parent_path() / "lib";
  found.push_back(lib / "rknnc" / kTorchPluginName);
  for (const auto& multiarch : std::filesystem::directory_iterator(lib, ec))
    found.push_back(multiarch.path() / "rknnc" / kTorchPluginName);
  return found;
}

struct Plugin {
  ReadTorchScript read = nullptr;
  std::string problem;  // why there is none
};

Plugin open_plugin() {
  std::error_code ec;
  for (const auto& p : plugin_candidates()) {
    if (!std::filesystem::is_regular_file(p, ec)) continue;
    void* handle = dlopen(p.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      std::string why = dlerror();
      if (auto pos = why.find('\n'); pos != std::string::npos) why.resize(pos);
      return {nullptr, fmt::format("its PyTorch support ({}) cannot be opened: {}; install libtorch (Debian "
                                   "libtorch-dev)", p.string(), why)};
    }
    if (auto* sym = dlsym(handle, kReadTorchScriptSymbol)) return {reinterpret_cast<ReadTorchScript>(sym), ""};
    return {nullptr, fmt::format("{} has no {}; reinstall rknnc", p.string(), kReadTorchScriptSymbol)};
  }
  return {nullptr, "this rknnc was built without PyTorch support; rebuild it with libtorch-dev installed (meson "
                   "setup -Dtorch=enabled)"};
}

}  // namespace

ReadTorchScript torch_plugin(const std::string& file) {
  static std::once_flag once;
  static Plugin plugin;
  std::call_once(once, [] { plugin = open_plugin(); });
  if (!plugin.read)
    fail("{}: {}, or export the model to ONNX with torch.onnx.export and set platform: onnx", file, plugin.problem);
  return plugin.read;
}

}  // namespace rknnc::frontends::pytorch
