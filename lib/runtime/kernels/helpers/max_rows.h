#pragma once
// y[o] = x[o * stride] > y[o] ? x[o * stride] : y[o] for o < n: a running
// maximum that keeps the earlier value on a tie (+0 / -0) or a NaN
// (MaxPool). Inlined, the compiler vectorises it (maxps is exactly this
// select); a separate AVX-512 function was slower (yolov5's SPPF, 5x5 on
// 256x20x20: 0.42 against 0.30 ms; 3x3 stride 2 on 64x112x112: 0.47
// against 0.44 ms).
#include <cstdint>
#include <limits>

namespace rknnc::runtime::kernels {

template <typename T>
void max_row(const T* x, int64_t stride, T* y, int64_t n) {
  for (int64_t o = 0; o < n; ++o) y[o] = x[o * stride] > y[o] ? x[o * stride] : y[o];
}

// y[o] = the running maximum's first step, max_row from `lowest`: x[o] when
// it is greater (not a NaN), else lowest. One pass instead of a fill and a max_row.
template <typename T>
void max_from_lowest(const T* x, T* y, int64_t n) {
  const T low = std::numeric_limits<T>::lowest();
  for (int64_t o = 0; o < n; ++o) y[o] = x[o] > low ? x[o] : low;
}

}  // namespace rknnc::runtime::kernels
