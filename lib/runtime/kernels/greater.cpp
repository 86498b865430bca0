#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

// Comparison with a bool output.
template <typename T>
void greater_kernel(KernelContext& ctx) {
  binary<T, T, bool>(ctx, [](T a, T b) { return a > b; });
}

RKNNC_TYPED_KERNELS("Greater", greater_kernel, RKNNC_NUMERIC_TYPES);

}  // namespace
}  // namespace rknnc::runtime::kernels
