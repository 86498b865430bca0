#include <type_traits>

#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

template <typename T>
void abs_kernel(KernelContext& ctx) {
  unary<T>(ctx, [](T x) {
    if constexpr (std::is_unsigned_v<T>) return x;
    else return static_cast<T>(x < 0 ? -x : x);
  });
}

RKNNC_TYPED_KERNELS("Abs", abs_kernel, float, double, RKNNC_INT_TYPES);

}  // namespace
}  // namespace rknnc::runtime::kernels
