#include <cmath>

#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

void atan_f32(KernelContext& ctx) {
  unary<float>(ctx, [](float x) { return std::atan(x); });
}

RKNNC_KERNEL("Atan", ir::DataType::Float32, atan_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
