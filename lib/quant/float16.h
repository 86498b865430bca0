#pragma once
// quantize: false (004 §6, float_dtype float16): float32 constants and
// tensors become float16; graph inputs and outputs stay float32 with a Cast
// at each, so callers feed and read float32 as with Toolkit2's want_float.
// The runtime simulates every op in half precision (runtime/executor.h).
#include <set>
#include <string>

#include "ir/graph.h"

namespace rknnc::quant {

// Returns the number of tensors converted.
int convert_to_float16(ir::Graph& graph);

// Hybrid quantisation (custom_quantize_layers): the nodes writing these
// tensors compute in half precision inside a float32 graph that is lowered to
// int8 afterwards. Each such node reads float16 copies of its float32
// inputs (a Cast per activation, a converted copy per constant) and writes
// `<output>__f16`, which a Cast widens back into the original float32 tensor,
// so consumers, graph outputs and the tensor names stay as they were.
// Returns the number of nodes converted.
int run_layers_in_float16(ir::Graph& graph, const std::set<std::string>& layer_outputs);

// quantize_weight: Conv / ConvTranspose / Gemm / MatMul constant weights
// stored as symmetric int8 (per output channel for Conv / Gemm with
// quantized_method channel, else per tensor) and dequantised by a
// DequantizeLinear node, folded away when the model is loaded to run.
// Returns the bytes saved.
int64_t quantize_weights_only(ir::Graph& graph, bool per_channel);

}  // namespace rknnc::quant
