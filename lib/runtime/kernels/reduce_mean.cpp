#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/reduce.h"

namespace rknnc::runtime::kernels {
namespace {

template <typename T>
void reduce_mean_kernel(KernelContext& ctx) {
  reduce_op<T>(ctx, T{0}, [](T a, T v) { return static_cast<T>(a + v); }, [](T a, [[maybe_unused]] int64_t n) { return n ? static_cast<T>(a / static_cast<T>(n)) : T{0}; });
}

RKNNC_TYPED_KERNELS("ReduceMean", reduce_mean_kernel, float, double, int32_t, int64_t);

}  // namespace
}  // namespace rknnc::runtime::kernels
