#include <cmath>

#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

void floor_f32(KernelContext& ctx) {
  unary<float>(ctx, [](float x) { return std::floor(x); });
}

RKNNC_KERNEL("Floor", ir::DataType::Float32, floor_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
