#pragma once
// Float32 <-> Float16 tensor conversion (round to nearest even; values beyond
// the half range become ±inf, NaN stays NaN). Other dtypes are returned as is.
#include "ir/tensor.h"

namespace rknnc::ir {

Tensor convert_float(const Tensor& t, DataType to);

// The same conversions on n values (F16C where the CPU has it, the same bytes
// as the scalar routine everywhere).
void floats_to_halves(const float* src, uint16_t* dst, int64_t n);
void halves_to_floats(const uint16_t* src, float* dst, int64_t n);
// data[i] = halves_to_floats(floats_to_halves(data[i])), in place: each value
// rounded to the nearest float16, kept as a float.
void round_to_halves(float* data, int64_t n);

}  // namespace rknnc::ir
