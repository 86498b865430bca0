#include <type_traits>

#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

// Integer division truncates (C semantics, as onnxruntime); x / 0 gives 0
// for integers instead of a hardware trap.
template <typename T>
void div_kernel(KernelContext& ctx) {
  binary<T>(ctx, [](T a, T b) {
    if constexpr (std::is_integral_v<T>) return b == 0 ? T{0} : static_cast<T>(a / b);
    else return a / b;
  });
}

RKNNC_TYPED_KERNELS("Div", div_kernel, RKNNC_NUMERIC_TYPES);

}  // namespace
}  // namespace rknnc::runtime::kernels
