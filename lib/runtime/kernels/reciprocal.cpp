#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

void reciprocal_f32(KernelContext& ctx) {
  unary<float>(ctx, [](float x) { return 1.0f / x; });
}

RKNNC_KERNEL("Reciprocal", ir::DataType::Float32, reciprocal_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
