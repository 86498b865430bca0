#include <cmath>

#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

void ceil_f32(KernelContext& ctx) {
  unary<float>(ctx, [](float x) { return std::ceil(x); });
}

RKNNC_KERNEL("Ceil", ir::DataType::Float32, ceil_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
