#include <cmath>

#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

void erf_f32(KernelContext& ctx) {
  unary<float>(ctx, [](float x) { return std::erf(x); });
}

RKNNC_KERNEL("Erf", ir::DataType::Float32, erf_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
