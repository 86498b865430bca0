#pragma once
// quantize: false (004 §6, float_dtype float16): float32 constants and
// tensors become float16; graph inputs and outputs stay float32 with a Cast
// at each, so callers feed and read float32 as with Toolkit2's want_float.
// The runtime simulates every op in half precision (runtime/executor.h).
#include "ir/graph.h"

namespace rknnc::quant {

// Returns the number of tensors converted.
int convert_to_float16(ir::Graph& graph);

// quantize_weight: Conv / ConvTranspose / Gemm / MatMul constant weights
// stored as symmetric int8 (per output channel for Conv / Gemm with
// quantized_method channel, else per tensor) and dequantised by a
// DequantizeLinear node, folded away when the model is loaded to run.
// Returns the bytes saved.
int64_t quantize_weights_only(ir::Graph& graph, bool per_channel);

}  // namespace rknnc::quant
