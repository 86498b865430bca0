#include <cmath>

#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/reduce.h"

namespace rknnc::runtime::kernels {
namespace {

template <typename T>
void reduce_log_sum_kernel(KernelContext& ctx) {
  reduce_op<T>(ctx, 0.0, [](double a, T v) { return a + v; }, [](double a, [[maybe_unused]] int64_t n) { return static_cast<T>(std::log(a)); });
}

RKNNC_TYPED_KERNELS("ReduceLogSum", reduce_log_sum_kernel, float, double);

}  // namespace
}  // namespace rknnc::runtime::kernels
