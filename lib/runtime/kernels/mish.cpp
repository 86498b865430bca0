#include <cmath>

#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

void mish_f32(KernelContext& ctx) {
  unary<float>(ctx, [](float x) { return x * std::tanh(x > 20.f ? x : std::log1p(std::exp(x))); });
}

RKNNC_KERNEL("Mish", ir::DataType::Float32, mish_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
