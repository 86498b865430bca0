#pragma once
// Which ops run on int8 and how their quantisation parameters relate: one
// row per op (op_rules.cpp), read by the lowering. An op without a row, or
// whose row rejects the node, stays float with Dequantize / Quantize around.
#include <string>

#include "ir/graph.h"

namespace rknnc::quant {

enum class QuantKind {
  Weighted,     // Conv / Gemm: input 0 activation, 1 weight (per channel or layer), 2 bias int32
  Arithmetic,   // every input int8 (constants per tensor), output from calibration
  Lookup,       // input 0 int8 via a 256-entry table, output from calibration; other inputs stay float
  Single,       // input 0 int8, output from calibration; other inputs (axes) stay as they are
  Passthrough,  // moves values: outputs keep input 0's parameters; int8 only when input 0 already is
                // (bilinear Resize: a convex combination of input values stays in their range)
};

struct OpRule {
  const char* op;
  QuantKind kind;
  bool (*accepts)(const ir::Graph&, const ir::Node&);  // nullptr: always
};

// The rule for `node`, nullptr when it stays float.
const OpRule* find_rule(const ir::Graph& g, const ir::Node& node);

}  // namespace rknnc::quant
