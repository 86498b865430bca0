#pragma once
// The QuantizeLinear / DequantizeLinear nodes every quant stage inserts
// (int8 lowering, weight-only int8, QDQ export), built in one place.
#include <string>

#include "ir/graph.h"

namespace rknnc::quant {

// Adds `op` (QuantizeLinear or DequantizeLinear) reading `in` and writing
// `out`, with scale / zero-point constants from `p`: scalars per tensor, 1-D
// with the `axis` attribute per channel. The zero point is int32 when a
// DequantizeLinear reads an int32 constant (a bias), else int8.
void add_linear_quant_node(ir::Graph& g, const std::string& op, const std::string& in, const std::string& out,
                           const ir::QuantParams& p);

}  // namespace rknnc::quant
