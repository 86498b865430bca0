#pragma once
// Rough model cost for pass statistics: floating-point operations of the
// multiply-accumulate ops (2 per MAC), from value-info shapes.
#include "ir/graph.h"

namespace rknnc::passes {

// 2·MACs of Conv, ConvTranspose, Gemm and MatMul nodes with static shapes.
double graph_flops(const ir::Graph& g);

}  // namespace rknnc::passes
