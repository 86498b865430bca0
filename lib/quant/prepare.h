#pragma once
// Brings an optimised float graph into the form the int8 lowering expects,
// before calibration (so every tensor the int8 graph has is calibrated):
//  - fused activations that are not a clamp (LeakyRelu, Sigmoid, HardSwish,
//    SiLU) become separate nodes again: int8 kernels clamp, they cannot apply
//    a curve to an int32 accumulator; the curve becomes a lookup table;
//  - Gemm gets transB = 1 with alpha / beta folded into constant B / C, and
//    MatMul of a 2-D input by a constant 2-D matrix becomes such a Gemm, so
//    weights are [out, in] and quantise per output channel along axis 0.
// Float results are unchanged (up to float rounding of alpha / beta).
#include "ir/graph.h"

namespace rknnc::quant {

void prepare_for_int8(ir::Graph& graph);

// Splits every fused activation (clamps too when asked) into its own node.
// Returns the number of nodes added.
int unfuse_activations(ir::Graph& graph, bool clamps_too);
// Splits `node`'s fused activation (if any) into its own node(s), which then
// write the node's first output; the node writes a new `<output>_preact`.
void unfuse_activation(ir::Graph& graph, ir::Node& node);

}  // namespace rknnc::quant
