#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

// PRelu(x, slope): slope broadcasts to x (numpy rules).
void prelu_f32(KernelContext& ctx) {
  binary<float>(ctx, [](float x, float s) { return x < 0 ? s * x : x; });
}

RKNNC_KERNEL("PRelu", ir::DataType::Float32, prelu_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
