#pragma once
// QDQ / QAT import: an ONNX model that carries QuantizeLinear /
// DequantizeLinear pairs (quantisation-aware training, PyTorch or
// onnxruntime quantisation, `rknnc export-qdq`) becomes a float graph plus the
// model's own int8 parameters, which the int8 lowering then uses
// (quantize_graph with given parameters):
//  - DequantizeLinear of a constant (int8 / uint8 weights, int32 biases),
//    also behind a QuantizeLinear of a float constant, becomes the float
//    constant it computes; int8 / uint8 weights keep their parameters,
//    per tensor or per axis, under the constant's name;
//  - an activation pair QuantizeLinear(T) -> DequantizeLinear is removed and
//    T keeps the pair's parameters and its name (a graph output written by
//    the DequantizeLinear keeps that name; `rknnc export-qdq`'s `T__float`
//    becomes T again);
//  - uint8 parameters map exactly to int8: zero point - 128 (every value
//    moves by 128, so (q - zero_point) and thus the real value is unchanged).
// A pattern the int8 path cannot honour (int16, float8, blocked or per-axis
// activations, a pair whose two halves disagree, a lone QuantizeLinear or
// DequantizeLinear) is a warning naming the node, never a silent
// requantisation.
#include <optional>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "quant/quantize_graph.h"

namespace rknnc::quant {

struct QdqImport {
  ParamsByTensor params;  // int8 parameters: activations, and weights by constant name
  int pairs = 0;          // activation QuantizeLinear / DequantizeLinear pairs removed
  int constants = 0;      // quantised constants folded into float constants
  std::vector<std::string> warnings;
};

// True when the graph has a QuantizeLinear or DequantizeLinear node.
bool has_qdq_nodes(const ir::Graph& g);

QdqImport import_qdq(ir::Graph& g);

// Parameters of a uint8 or int8 tensor as int8: uint8 zero points move by -128.
ir::QuantParams as_int8(ir::QuantParams p, ir::DataType stored);

}  // namespace rknnc::quant
