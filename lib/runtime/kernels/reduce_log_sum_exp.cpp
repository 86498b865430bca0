#include <cmath>
#include <limits>

#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/reduce.h"

namespace rknnc::runtime::kernels {
namespace {

// Running log-sum-exp: the largest value so far and Σ exp(v - max).
struct LogSumExp {
  double max = -std::numeric_limits<double>::infinity(), sum = 0;
  LogSumExp add(double v) const {
    if (v <= max) return {max, sum + std::exp(v - max)};
    return {v, sum * std::exp(max - v) + 1.0};
  }
};

template <typename T>
void reduce_log_sum_exp_kernel(KernelContext& ctx) {
  reduce_op<T>(ctx, LogSumExp{}, [](LogSumExp a, T v) { return a.add(static_cast<double>(v)); },
               [](LogSumExp a, [[maybe_unused]] int64_t n) { return static_cast<T>(a.max + std::log(a.sum)); });
}

RKNNC_TYPED_KERNELS("ReduceLogSumExp", reduce_log_sum_exp_kernel, float, double);

}  // namespace
}  // namespace rknnc::runtime::kernels
