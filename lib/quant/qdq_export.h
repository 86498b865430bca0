#pragma once
// QDQ form of a quantised graph (`rknnc export-qdq`): every int8 node becomes
// DequantizeLinear on each quantised input (weights per channel with their
// axis, int32 biases), the same op in float, its fused activation as an ONNX
// node, and QuantizeLinear on its output with the node's scale and zero
// point. Any ONNX runtime then computes what rknnc's int8 simulator computes,
// up to rounding (1 LSB): an independent check of the quantisation.
#include "ir/graph.h"

namespace rknnc::quant {

// Fails (one line) when the graph has no quantised tensor.
ir::Graph to_qdq_graph(const ir::Graph& quantized);

}  // namespace rknnc::quant
