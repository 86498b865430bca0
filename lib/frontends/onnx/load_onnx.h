#pragma once
// The shared back half of every frontend. A reader translates its format into
// an in-memory ONNX model (ops, attributes and QuantizeLinear /
// DequantizeLinear pairs for quantised tensors); this turns that model into
// the IR exactly as a .onnx file is: subgraph cut and input_size_list, shape
// inference, opset canonicalisation, output checks, shapes filled by
// execution. So passes, quantisation and the compiler never know where a
// graph came from, and the same network gives the same IR from every format.
#include <onnx/onnx_pb.h>

#include <filesystem>

#include "frontends/frontend.h"

namespace rknnc::frontends {

// `path` names the source model in messages and in the graph's metadata.
ir::Graph load_onnx_model(onnx::ModelProto model, const std::filesystem::path& path, const LoadOptions& options);

}  // namespace rknnc::frontends
