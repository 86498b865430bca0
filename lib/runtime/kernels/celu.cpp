#include <algorithm>
#include <cmath>

#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

void celu_f32(KernelContext& ctx) {
  const float alpha = ctx.attrs().get_float("alpha", 1.0f);
  if (alpha == 0.f) ctx.fail("alpha must not be 0");
  unary<float>(ctx, [alpha](float x) { return std::max(0.f, x) + std::min(0.f, alpha * (std::exp(x / alpha) - 1.f)); });
}

RKNNC_KERNEL("Celu", ir::DataType::Float32, celu_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
