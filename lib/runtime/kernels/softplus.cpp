#include <cmath>

#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

void softplus_f32(KernelContext& ctx) {
  unary<float>(ctx, [](float x) { return x > 20.f ? x : std::log1p(std::exp(x)); });
}

RKNNC_KERNEL("Softplus", ir::DataType::Float32, softplus_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
