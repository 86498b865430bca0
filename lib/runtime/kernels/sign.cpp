#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

template <typename T>
void sign_kernel(KernelContext& ctx) {
  unary<T>(ctx, [](T x) { return static_cast<T>((T(0) < x) - (x < T(0))); });
}

RKNNC_TYPED_KERNELS("Sign", sign_kernel, RKNNC_NUMERIC_TYPES);

}  // namespace
}  // namespace rknnc::runtime::kernels
