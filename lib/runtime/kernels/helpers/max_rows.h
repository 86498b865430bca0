#pragma once
// y[o] = x[o * stride] > y[o] ? x[o * stride] : y[o] for o < n: a running
// maximum that keeps the earlier value on a tie (+0 / -0) or a NaN
// (MaxPool). The vector paths (maxps is exactly this select) give the same
// bytes as the scalar one.
#include <cstdint>

#include "runtime/cpu_features.h"

namespace rknnc::runtime::kernels {

template <typename T>
using MaxRowFn = void (*)(const T* x, int64_t stride, T* y, int64_t n);

template <typename T>
void max_row_scalar(const T* x, int64_t stride, T* y, int64_t n) {
  for (int64_t o = 0; o < n; ++o) y[o] = x[o * stride] > y[o] ? x[o * stride] : y[o];
}
void max_row_f32_avx512(const float* x, int64_t stride, float* y, int64_t n);  // max_rows_avx512.cpp

template <typename T>
MaxRowFn<T> max_row_fn(Isa isa) {
  if constexpr (sizeof(T) == sizeof(float) && static_cast<T>(0.5) != 0)
    if (isa == Isa::Avx512) return max_row_f32_avx512;
  (void)isa;
  return max_row_scalar<T>;
}

}  // namespace rknnc::runtime::kernels
