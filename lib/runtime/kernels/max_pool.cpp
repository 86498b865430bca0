#include <algorithm>
#include <limits>
#include <vector>

#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/window.h"

namespace rknnc::runtime::kernels {
namespace {

template <typename T>
void max_pool_kernel(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  if (ctx.outputs.size() > 1 && !ctx.node.outputs[1].empty()) ctx.fail("the Indices output is not supported");
  if (ctx.attrs().get_int("storage_order", 0) != 0) ctx.fail("storage_order 1 is not supported");
  const Window w = sliding_window(ctx, spatial_dims(ctx, x.shape()), ctx.attrs().get_ints("kernel_shape"), true);
  ir::Tensor& y = ctx.set_output_unfilled(0, x.dtype(), window_output_shape(x.shape()[0], x.shape()[1], w));
  // Output row by output row, tap by tap over the outputs that tap reaches:
  // each output still sees its in-input taps in (kd, kh, kw) order, and a
  // tap is a strided pass along the row (vectorised for stride 1).
  const std::vector<WindowTap> taps = window_taps(w);
  const int64_t planes = x.shape()[0] * x.shape()[1], in = w.in_size(), out = w.out_size(), ow_n = w.out[2];
  const int64_t s = w.stride[2];
  const T* src = x.data<T>();
  T* dst = y.data<T>();
  ctx.pool.parallel_for(planes, out * w.kernel_size(), [&](int64_t b, int64_t e) {
    for (int64_t p = b; p < e; ++p)
      for (int64_t od = 0; od < w.out[0]; ++od)
        for (int64_t oh = 0; oh < w.out[1]; ++oh) {
          T* yr = dst + p * out + (od * w.out[1] + oh) * ow_n;
          std::fill_n(yr, ow_n, std::numeric_limits<T>::lowest());
          for (const WindowTap& t : taps) {
            const int64_t row = window_tap_row(w, t, od, oh);
            if (row < 0) continue;
            const T* xr = src + p * in + row * w.in[2] + t.off;
            for (int64_t o = t.lo; o < t.hi; ++o) yr[o] = xr[o * s] > yr[o] ? xr[o * s] : yr[o];  // NaN ignored
          }
        }
  });
}

RKNNC_TYPED_KERNELS("MaxPool", max_pool_kernel, float, int8_t, uint8_t);

}  // namespace
}  // namespace rknnc::runtime::kernels
