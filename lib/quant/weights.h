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

// Element i's channel along the parameters' axis (0 when per tensor).
struct ChannelOf {
  int64_t inner = 1, dim = 1;
  ChannelOf(const ir::Shape& shape, const ir::QuantParams& p);
  size_t operator()(int64_t i) const { return static_cast<size_t>((i / inner) % dim); }
};

// Given int8 parameters (a QDQ model's): values clamped to [-128, 127].
QuantizedConstant quantize_with_params(const ir::Tensor& t, const ir::QuantParams& p);
// Zero point 0, per tensor or (axis >= 0) one scale per channel along `axis`.
bool symmetric_per_channel(const ir::QuantParams& p, const ir::Tensor& t, int axis);

}  // namespace rknnc::quant
