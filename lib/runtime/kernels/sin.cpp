#include <cmath>

#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

void sin_f32(KernelContext& ctx) {
  unary<float>(ctx, [](float x) { return std::sin(x); });
}

RKNNC_KERNEL("Sin", ir::DataType::Float32, sin_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
