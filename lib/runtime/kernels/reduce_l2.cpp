#include <cmath>

#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/reduce.h"

namespace rknnc::runtime::kernels {
namespace {

template <typename T>
void reduce_l2_kernel(KernelContext& ctx) {
  reduce_op<T>(ctx, 0.0, [](double a, T v) { return a + static_cast<double>(v) * static_cast<double>(v); },
               [](double a, [[maybe_unused]] int64_t n) { return static_cast<T>(std::sqrt(a)); });
}

RKNNC_TYPED_KERNELS("ReduceL2", reduce_l2_kernel, float, double, int32_t, int64_t);

}  // namespace
}  // namespace rknnc::runtime::kernels
