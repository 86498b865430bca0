#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

void leaky_relu_f32(KernelContext& ctx) {
  const float alpha = ctx.attrs().get_float("alpha", 0.01f);
  unary<float>(ctx, [alpha](float x) { return x < 0 ? alpha * x : x; });
}

RKNNC_KERNEL("LeakyRelu", ir::DataType::Float32, leaky_relu_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
