#include <cmath>

#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

// Halves round to even (std::nearbyint in the default rounding mode).
template <typename T>
void round_kernel(KernelContext& ctx) {
  unary<T>(ctx, [](T x) { return std::nearbyint(x); });
}

RKNNC_TYPED_KERNELS("Round", round_kernel, float, double);

}  // namespace
}  // namespace rknnc::runtime::kernels
