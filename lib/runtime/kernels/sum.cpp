#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

template <typename T>
void sum_kernel(KernelContext& ctx) {
  variadic<T>(ctx, [](T a, T b) { return static_cast<T>(a + b); });
}

RKNNC_TYPED_KERNELS("Sum", sum_kernel, float, double);

}  // namespace
}  // namespace rknnc::runtime::kernels
