#pragma once
// Reading quantised operands for the int8 kernels.
#include <cstdint>
#include <vector>

#include "ir/tensor.h"

namespace rknnc::runtime::kernels {

// int8 values minus a zero point, widened to int16 (the integer gemm operand).
std::vector<int16_t> centered(const ir::Tensor& t, int32_t zero_point);
// An int32 bias of `count` values, or zeros when absent.
std::vector<int32_t> int32_values(const ir::Tensor* t, int64_t count);

}  // namespace rknnc::runtime::kernels
