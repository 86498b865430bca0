#pragma once
// ONNX external data: initializers whose bytes live in a file beside the
// model (onnx.save(..., save_as_external_data=True)).
#include <onnx/onnx_pb.h>

#include <filesystem>

namespace rknnc::frontends::onnx_detail {

// Reads every external initializer's bytes into its raw_data, so the rest of
// the frontend sees an ordinary model. The data file must resolve inside the
// model's folder (no absolute path, no `..`, no symlink out of it); the entry
// must hold exactly the bytes its dtype and shape need, within the file.
// Errors are one line naming the model, the initializer and the data file.
void load_external_data(onnx::ModelProto& model, const std::filesystem::path& model_path);

}  // namespace rknnc::frontends::onnx_detail
