#include <cmath>

#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

void tanh_f32(KernelContext& ctx) {
  unary<float>(ctx, [](float x) { return std::tanh(x); });
}

RKNNC_KERNEL("Tanh", ir::DataType::Float32, tanh_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
