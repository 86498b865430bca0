#include <cmath>

#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

void exp_f32(KernelContext& ctx) {
  unary<float>(ctx, [](float x) { return std::exp(x); });
}

RKNNC_KERNEL("Exp", ir::DataType::Float32, exp_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
