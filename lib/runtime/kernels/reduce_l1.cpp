#include <cmath>

#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/reduce.h"

namespace rknnc::runtime::kernels {
namespace {

template <typename T>
void reduce_l1_kernel(KernelContext& ctx) {
  reduce_op<T>(ctx, T{0}, [](T a, T v) { return static_cast<T>(a + (v < 0 ? -v : v)); }, [](T a, [[maybe_unused]] int64_t n) { return a; });
}

RKNNC_TYPED_KERNELS("ReduceL1", reduce_l1_kernel, float, double, int32_t, int64_t);

}  // namespace
}  // namespace rknnc::runtime::kernels
