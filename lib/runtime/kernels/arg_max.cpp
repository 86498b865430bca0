#include "runtime/kernels/helpers/arg_select.h"
#include "runtime/kernels/helpers/dispatch.h"

namespace rknnc::runtime::kernels {
namespace {

template <typename T>
void arg_max_kernel(KernelContext& ctx) {
  arg_select<T>(ctx, [](T a, T b) { return a > b; });
}

RKNNC_TYPED_KERNELS("ArgMax", arg_max_kernel, RKNNC_NUMERIC_TYPES);

}  // namespace
}  // namespace rknnc::runtime::kernels
