#include <cmath>
#include <limits>

#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/resize_plan.h"

namespace rknnc::runtime::kernels {
namespace {

template <typename T>
void resize_kernel(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  const ResizePlan p = resize_plan(ctx);
  T* dst = ctx.set_output_unfilled(0, x.dtype(), p.out).data<T>();  // every output is put below
  for_each_resize_output<T, float>(
      ctx, p, x, 0.f,
      [&](int64_t o, float acc) {
        if constexpr (std::is_integral_v<T>)
          dst[o] = static_cast<T>(std::clamp(std::round(acc), static_cast<float>(std::numeric_limits<T>::min()),
                                             static_cast<float>(std::numeric_limits<T>::max())));
        else
          dst[o] = static_cast<T>(acc);
      },
      [&](int64_t o) { dst[o] = static_cast<T>(p.extrapolation); });
}

RKNNC_TYPED_KERNELS("Resize", resize_kernel, float, uint8_t, int8_t);

}  // namespace
}  // namespace rknnc::runtime::kernels
