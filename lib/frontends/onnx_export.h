#pragma once
// Writes an IR graph as an ONNX model (`rknnc export-qdq`, hybrid step1's .model): nodes,
// attributes, constants as initializers, typed and shaped inputs / outputs /
// value infos. The graph must only use ONNX ops and attributes.
#include <cstdint>
#include <string>

#include "ir/graph.h"

namespace rknnc::frontends {

// Weights stored beside the model (ONNX external data): the bytes of every
// initializer of at least kMinExternalBytes go to `bytes` (64-byte aligned)
// and the model names `location` (a file name next to the model) with each
// offset and length. Smaller ones (shapes, Resize scales, scalars) stay in
// the model, as onnx's own converter does: shape inference reads them.
inline constexpr size_t kMinExternalBytes = 1024;
struct ExternalData {
  std::string location;
  std::string bytes;
};

// Serialised ModelProto bytes, deterministic; opset = the ai.onnx import,
// raised to the opset that introduced the newest op the graph holds
// (LayerNormalization 17, GroupNormalization / Mish 18, Gelu 20); at 18+
// Reduce* axes are written as an input.
// With `external`, the initializers' data go there instead of into the model.
std::string export_onnx(const ir::Graph& graph, int64_t opset, ExternalData* external = nullptr);

}  // namespace rknnc::frontends
