#include "runtime/kernels/helpers/attrs.h"
#include "runtime/kernels/helpers/dispatch.h"

namespace rknnc::runtime::kernels {
namespace {

// Running sum along the axis given by input 1; exclusive leaves out the
// element itself, reverse sums from the end.
template <typename T>
void cumsum_kernel(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  const ir::Tensor& a = ctx.in(1);
  if (a.numel() != 1) ctx.fail("axis must be a scalar, got shape {}", ir::shape_str(a.shape()));
  const int64_t axis = normalize_axis(ctx, a.get_as_int(0), x.shape().size());
  const bool exclusive = ctx.attrs().get_int("exclusive", 0) != 0, reverse = ctx.attrs().get_int("reverse", 0) != 0;
  const AxisSplit s = split_at_axis(x.shape(), axis);
  T* dst = ctx.set_output(0, x.dtype(), x.shape()).template data<T>();
  const T* src = x.data<T>();
  for (int64_t o = 0; o < s.outer; ++o)
    for (int64_t i = 0; i < s.inner; ++i) {
      T acc{0};
      for (int64_t step = 0; step < s.dim; ++step) {
        const int64_t k = reverse ? s.dim - 1 - step : step;
        const int64_t at = (o * s.dim + k) * s.inner + i;
        if (exclusive) dst[at] = acc;
        acc = static_cast<T>(acc + src[at]);
        if (!exclusive) dst[at] = acc;
      }
    }
}

RKNNC_TYPED_KERNELS("CumSum", cumsum_kernel, float, double, int32_t, int64_t, uint32_t, uint64_t);

}  // namespace
}  // namespace rknnc::runtime::kernels
