#include <cmath>

#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

void thresholded_relu_f32(KernelContext& ctx) {
  const float alpha = ctx.attrs().get_float("alpha", 1.0f);
  unary<float>(ctx, [alpha](float x) { return x > alpha ? x : 0.f; });
}

RKNNC_KERNEL("ThresholdedRelu", ir::DataType::Float32, thresholded_relu_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
