#pragma once
// Float32 <-> Float16 tensor conversion (round to nearest even; values beyond
// the half range become ±inf, NaN stays NaN). Other dtypes are returned as is.
#include "ir/tensor.h"

namespace rknnc::ir {

Tensor convert_float(const Tensor& t, DataType to);

}  // namespace rknnc::ir
