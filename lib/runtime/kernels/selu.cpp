#include <cmath>

#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

void selu_f32(KernelContext& ctx) {
  const float alpha = ctx.attrs().get_float("alpha", 1.67326319217681884765625f);
  const float gamma = ctx.attrs().get_float("gamma", 1.05070102214813232421875f);
  unary<float>(ctx, [alpha, gamma](float x) { return gamma * (x > 0 ? x : alpha * (std::exp(x) - 1.f)); });
}

RKNNC_KERNEL("Selu", ir::DataType::Float32, selu_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
