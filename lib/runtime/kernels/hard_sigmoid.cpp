#include <algorithm>

#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

void hard_sigmoid_f32(KernelContext& ctx) {
  const float alpha = ctx.attrs().get_float("alpha", 0.2f), beta = ctx.attrs().get_float("beta", 0.5f);
  unary<float>(ctx, [=](float x) { return std::clamp(alpha * x + beta, 0.0f, 1.0f); });
}

RKNNC_KERNEL("HardSigmoid", ir::DataType::Float32, hard_sigmoid_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
