#include <limits>

#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/reduce.h"

namespace rknnc::runtime::kernels {
namespace {

template <typename T>
void reduce_min_kernel(KernelContext& ctx) {
  reduce_op<T>(ctx, std::numeric_limits<T>::max(), [](T a, T v) { return v < a ? v : a; }, [](T a, [[maybe_unused]] int64_t n) { return a; });
}

RKNNC_TYPED_KERNELS("ReduceMin", reduce_min_kernel, RKNNC_NUMERIC_TYPES);

}  // namespace
}  // namespace rknnc::runtime::kernels
