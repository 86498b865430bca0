#include <cmath>

#include "runtime/kernels/helpers/depthwise_f32.h"

namespace rknnc::runtime::kernels {

void row_fma_generic(float* d, const float* s, int64_t stride, float wk, int64_t n) {
  for (int64_t i = 0; i < n; ++i) d[i] = std::fma(wk, s[i * stride], d[i]);
}

void row_fma3_generic(float* d, const float* s, int64_t stride, int64_t dil, const float* w, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float* x = s + i * stride;
    d[i] = std::fma(w[2], x[2 * dil], std::fma(w[1], x[dil], std::fma(w[0], x[0], d[i])));
  }
}

}  // namespace rknnc::runtime::kernels
