#pragma once
// Constant quantisation: symmetric int8 weights (zero point 0, values in
// [-127, 127]) per output channel (axis 0; ConvTranspose's [C, M, k..]: axis 1) or per tensor, int32 biases on the
// product scale, and asymmetric per-tensor int8 for other constant operands.
#include "ir/graph.h"

namespace rknnc::quant {

struct QuantizedConstant {
  ir::Tensor values;
  ir::QuantParams params;
};

QuantizedConstant quantize_weight(const ir::Tensor& w, bool per_channel, int axis = 0);
QuantizedConstant quantize_bias(const ir::Tensor& b, float input_scale, const ir::QuantParams& weight);
QuantizedConstant quantize_constant(const ir::Tensor& t);  // asymmetric, per tensor, from its min / max

}  // namespace rknnc::quant
