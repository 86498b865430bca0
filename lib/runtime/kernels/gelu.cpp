#include <cmath>
#include <numbers>

#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

// Gelu (opset 20): approximate "none" is x·Φ(x) = 0.5·x·(1 + erf(x/√2)),
// "tanh" is 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
void gelu_f32(KernelContext& ctx) {
  const std::string approximate = ctx.attrs().get_string("approximate", "none");
  if (approximate == "none") {
    unary<float>(ctx, [](float x) { return 0.5f * x * (1.0f + std::erf(x * std::numbers::sqrt2_v<float> / 2)); });
  } else if (approximate == "tanh") {
    const float k = std::sqrt(2.0f / std::numbers::pi_v<float>);
    unary<float>(ctx, [k](float x) { return 0.5f * x * (1.0f + std::tanh(k * (x + 0.044715f * x * x * x))); });
  } else {
    ctx.fail("approximate '{}' is not none or tanh", approximate);
  }
}

RKNNC_KERNEL("Gelu", ir::DataType::Float32, gelu_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
