#include <cmath>

#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

void log_f32(KernelContext& ctx) {
  unary<float>(ctx, [](float x) { return std::log(x); });
}

RKNNC_KERNEL("Log", ir::DataType::Float32, log_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
