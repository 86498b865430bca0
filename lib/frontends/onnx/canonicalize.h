#pragma once
#include "ir/graph.h"

namespace rknnc::frontends::onnx_detail {
// Rewrites ops of older opsets into the canonical (opset 13–17) form the rest
// of rknnc expects: attributes that later became inputs turn into constant
// inputs, Upsample becomes Resize, legacy 2-D Softmax is made explicit.
void canonicalize_opsets(ir::Graph& g);
}  // namespace rknnc::frontends::onnx_detail
