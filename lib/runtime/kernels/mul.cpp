#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

template <typename T>
void mul_kernel(KernelContext& ctx) {
  binary<T>(ctx, [](T a, T b) { return static_cast<T>(a * b); });
}

RKNNC_TYPED_KERNELS("Mul", mul_kernel, RKNNC_NUMERIC_TYPES);

}  // namespace
}  // namespace rknnc::runtime::kernels
