#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

template <typename T>
void mean_kernel(KernelContext& ctx) {
  variadic<T>(ctx, [](T a, T b) { return static_cast<T>(a + b); });
  ir::Tensor& y = ctx.outputs[0];
  const T n = static_cast<T>(ctx.num_inputs());
  T* p = y.data<T>();
  for (int64_t i = 0; i < y.numel(); ++i) p[i] /= n;
}

RKNNC_TYPED_KERNELS("Mean", mean_kernel, float, double);

}  // namespace
}  // namespace rknnc::runtime::kernels
