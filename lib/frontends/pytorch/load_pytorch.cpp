// platform: pytorch: the plugin reads and executes the TorchScript file
// (with_torch/), the op mapping turns it into ONNX form (aten_to_onnx.cpp),
// and the shared back half makes the IR.
#include "frontends/pytorch/load_pytorch.h"

#include "frontends/onnx/load_onnx.h"
#include "frontends/pytorch/aten_to_onnx.h"
#include "frontends/pytorch/torch_plugin.h"
#include "util/error.h"

namespace rknnc::frontends {

ir::Graph load_pytorch(const std::filesystem::path& path, const LoadOptions& options) {
  const std::string file = path.string();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) fail("{}: model file not found", file);
  const pytorch::ReadTorchScript read = pytorch::torch_plugin(file);
  pytorch::TorchReadRequest request{file, options.input_shapes, options.inputs, options.options_where};
  pytorch::TorchReadResult result;
  read(request, result);
  if (!result.error.empty()) throw Error(static_cast<ExitCode>(result.exit_code), result.error);
  return load_onnx_model(pytorch::to_onnx_model(result.graph, file), path, options);
}

}  // namespace rknnc::frontends
