#include "ir/convert_float.h"

#include "util/half.h"

namespace rknnc::ir {

Tensor convert_float(const Tensor& t, DataType to) {
  if (t.dtype() == to) return t;
  if (t.dtype() == DataType::Float32 && to == DataType::Float16) {
    Tensor out(to, t.shape());
    const float* src = t.data<float>();
    auto* dst = static_cast<uint16_t*>(out.raw());
    for (int64_t i = 0; i < t.numel(); ++i) dst[i] = float_to_half(src[i]);
    return out;
  }
  if (t.dtype() == DataType::Float16 && to == DataType::Float32) {
    Tensor out(to, t.shape());
    const auto* src = static_cast<const uint16_t*>(t.raw());
    float* dst = out.data<float>();
    for (int64_t i = 0; i < t.numel(); ++i) dst[i] = half_to_float(src[i]);
    return out;
  }
  return t;
}

}  // namespace rknnc::ir
