#include <cmath>

#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

void cos_f32(KernelContext& ctx) {
  unary<float>(ctx, [](float x) { return std::cos(x); });
}

RKNNC_KERNEL("Cos", ir::DataType::Float32, cos_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
