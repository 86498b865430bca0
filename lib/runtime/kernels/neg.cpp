#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

template <typename T>
void neg_kernel(KernelContext& ctx) {
  unary<T>(ctx, [](T x) { return static_cast<T>(-x); });
}

RKNNC_TYPED_KERNELS("Neg", neg_kernel, float, double, int8_t, int16_t, int32_t, int64_t);

}  // namespace
}  // namespace rknnc::runtime::kernels
