// The pytorch reader of a build without libtorch (meson -Dtorch=disabled, or
// libtorch-dev absent): the platform is known, the loader says what to do.
#include "frontends/pytorch/load_pytorch.h"
#include "util/error.h"

namespace rknnc::frontends {

ir::Graph load_pytorch(const std::filesystem::path& path, const LoadOptions&) {
  fail("{}: this rknnc was built without PyTorch support; rebuild it with libtorch-dev installed (meson setup "
       "-Dtorch=enabled), or export the model to ONNX with torch.onnx.export and set platform: onnx",
       path.string());
}

}  // namespace rknnc::frontends
