#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

// Variadic, broadcasting; NaN propagates as in numpy.maximum.
template <typename T>
void max_kernel(KernelContext& ctx) {
  variadic<T>(ctx, [](T a, T b) { return a != a || a > b ? a : b; });
}

RKNNC_TYPED_KERNELS("Max", max_kernel, RKNNC_NUMERIC_TYPES);

}  // namespace
}  // namespace rknnc::runtime::kernels
