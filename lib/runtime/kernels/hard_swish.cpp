#include <algorithm>

#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

// x * HardSigmoid(x) with alpha 1/6, beta 0.5.
void hard_swish_f32(KernelContext& ctx) {
  unary<float>(ctx, [](float x) { return x * std::clamp(x * (1.0f / 6.0f) + 0.5f, 0.0f, 1.0f); });
}

RKNNC_KERNEL("HardSwish", ir::DataType::Float32, hard_swish_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
