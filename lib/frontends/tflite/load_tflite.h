#pragma once
// TFLite reader: a .tflite flatbuffer becomes an in-memory ONNX model
// (NCHW, explicit pads, QuantizeLinear / DequantizeLinear for quantised
// tensors) that load_onnx_model() turns into the IR.
#include <filesystem>

#include "frontends/frontend.h"

namespace rknnc::frontends {

ir::Graph load_tflite(const std::filesystem::path& path, const LoadOptions& options);

}  // namespace rknnc::frontends
