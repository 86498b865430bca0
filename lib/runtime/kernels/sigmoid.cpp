#include <cmath>

#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

void sigmoid_f32(KernelContext& ctx) {
  unary<float>(ctx, [](float x) { return x >= 0 ? 1.0f / (1.0f + std::exp(-x)) : std::exp(x) / (1.0f + std::exp(x)); });
}

RKNNC_KERNEL("Sigmoid", ir::DataType::Float32, sigmoid_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
