#include <cmath>

#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

void elu_f32(KernelContext& ctx) {
  const float alpha = ctx.attrs().get_float("alpha", 1.0f);
  unary<float>(ctx, [alpha](float x) { return x < 0 ? alpha * (std::exp(x) - 1.f) : x; });
}

RKNNC_KERNEL("Elu", ir::DataType::Float32, elu_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
