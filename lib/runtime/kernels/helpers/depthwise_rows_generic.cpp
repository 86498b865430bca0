#include <cmath>

#include "runtime/kernels/helpers/depthwise_f32.h"

namespace rknnc::runtime::kernels {

void row_fma_generic(float* d, const float* s, int64_t stride, float wk, int64_t n) {
  for (int64_t i = 0; i < n; ++i) d[i] = std::fma(wk, s[i * stride], d[i]);
}

}  // namespace rknnc::runtime::kernels
