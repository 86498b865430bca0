#include "runtime/kernels/helpers/quant_tensor.h"

namespace rknnc::runtime::kernels {

std::vector<int16_t> centered(const ir::Tensor& t, int32_t zero_point) {
  const int8_t* p = t.data<int8_t>();
  std::vector<int16_t> out(static_cast<size_t>(t.numel()));
  for (int64_t i = 0; i < t.numel(); ++i) out[i] = static_cast<int16_t>(p[i] - zero_point);
  return out;
}

std::vector<int32_t> int32_values(const ir::Tensor* t, int64_t count) {
  if (!t) return std::vector<int32_t>(static_cast<size_t>(count), 0);
  const auto v = t->values<int32_t>();
  return {v.begin(), v.end()};
}

}  // namespace rknnc::runtime::kernels
