#pragma once
// Writes an IR graph as an ONNX model (for `rknnc export-qdq`): nodes,
// attributes, constants as initializers, typed and shaped inputs / outputs /
// value infos. The graph must only use ONNX ops and attributes.
#include <cstdint>
#include <string>

#include "ir/graph.h"

namespace rknnc::frontends {

// Serialised ModelProto bytes, deterministic; opset = the ai.onnx import.
std::string export_onnx(const ir::Graph& graph, int64_t opset);

}  // namespace rknnc::frontends
