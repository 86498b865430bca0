#include <cmath>

#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

void sqrt_f32(KernelContext& ctx) {
  unary<float>(ctx, [](float x) { return std::sqrt(x); });
}

RKNNC_KERNEL("Sqrt", ir::DataType::Float32, sqrt_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
