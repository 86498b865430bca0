#include <cmath>

#include "runtime/kernels/helpers/dispatch.h"

namespace rknnc::runtime::kernels {
namespace {

// Range(start, limit, delta): max(ceil((limit - start) / delta), 0) elements.
template <typename T>
void range_kernel(KernelContext& ctx) {
  const T start = ctx.in(0).data<T>()[0], limit = ctx.in(1).data<T>()[0], delta = ctx.in(2).data<T>()[0];
  if (delta == 0) ctx.fail("delta must be non-zero");
  const double n = std::ceil((static_cast<double>(limit) - static_cast<double>(start)) / static_cast<double>(delta));
  if (n > 1e9) ctx.fail("range of {} elements is too large", n);
  ir::Tensor& y = ctx.set_output(0, ir::dtype_of<T>(), {n > 0 ? static_cast<int64_t>(n) : 0});
  T* p = y.data<T>();
  for (int64_t i = 0; i < y.numel(); ++i) p[i] = static_cast<T>(start + static_cast<T>(i) * delta);
}

RKNNC_TYPED_KERNELS("Range", range_kernel, float, double, int16_t, int32_t, int64_t);

}  // namespace
}  // namespace rknnc::runtime::kernels
