#pragma once
// Shared by QuantizeLinear and DequantizeLinear (ONNX semantics): the scale
// and zero point are scalars (per tensor) or 1-D along `axis` (per axis).
#include "runtime/kernels/helpers/attrs.h"

namespace rknnc::runtime::kernels {

struct LinearQuant {
  std::vector<float> scale;
  std::vector<int32_t> zero_point;  // same length as scale
  AxisSplit split;                  // of the data tensor at the axis (dim 1 when per tensor)
  ir::DataType zero_point_type = ir::DataType::UInt8;
  size_t channel(int64_t i) const { return scale.size() == 1 ? 0 : static_cast<size_t>((i / split.inner) % split.dim); }
};

// Reads inputs 1 (scale) and 2 (zero point, optional) against data input 0.
LinearQuant linear_quant(const KernelContext& ctx);

}  // namespace rknnc::runtime::kernels
