#include <algorithm>
#include <limits>
#include <vector>

#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/max_rows.h"
#include "runtime/kernels/helpers/scratch.h"
#include "runtime/kernels/helpers/window.h"

namespace rknnc::runtime::kernels {
namespace {

// Separable, plane by plane: each input row's maxima over the window's
// width taps (in kw order, over the outputs each tap reaches), then each
// output row the maxima of those over the window's rows (in kd, kh order).
// The update keeps the earlier value on a tie or a NaN, so both passes pick
// the first maximum in (kd, kh, kw) order, as one pass over all taps would:
// the same bytes, with kh + kw comparisons per output instead of kh * kw.
template <typename T>
void max_pool_kernel(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  if (ctx.outputs.size() > 1 && !ctx.node.outputs[1].empty()) ctx.fail("the Indices output is not supported");
  if (ctx.attrs().get_int("storage_order", 0) != 0) ctx.fail("storage_order 1 is not supported");
  const Window w = sliding_window(ctx, spatial_dims(ctx, x.shape()), ctx.attrs().get_ints("kernel_shape"), true);
  ir::Tensor& y = ctx.set_output_unfilled(0, x.dtype(), window_output_shape(x.shape()[0], x.shape()[1], w));
  const std::vector<WindowTap> taps = window_taps(w);
  const int64_t planes = x.shape()[0] * x.shape()[1], in = w.in_size(), out = w.out_size(), ow_n = w.out[2];
  const int64_t in_rows = w.in[0] * w.in[1], kw = w.kernel[2], krows = w.kernel[0] * w.kernel[1];
  const T* src = x.data<T>();
  T* dst = y.data<T>();
  ctx.pool.parallel_for(planes, out * (kw + krows), [&](int64_t b, int64_t e) {
    thread_local std::vector<T> across;  // per input row: its maxima across the width taps of each output column
    grow_to(across, static_cast<size_t>(in_rows * ow_n));
    for (int64_t p = b; p < e; ++p) {
      for (int64_t r = 0; r < in_rows; ++r) {
        T* a = across.data() + r * ow_n;
        std::fill_n(a, ow_n, std::numeric_limits<T>::lowest());
        for (int64_t j = 0; j < kw; ++j) {
          const WindowTap& t = taps[static_cast<size_t>(j)];
          max_row<T>(src + p * in + r * w.in[2] + t.off + t.lo * w.stride[2], w.stride[2], a + t.lo, t.hi - t.lo);
        }
      }
      for (int64_t od = 0; od < w.out[0]; ++od)
        for (int64_t oh = 0; oh < w.out[1]; ++oh) {
          T* yr = dst + p * out + (od * w.out[1] + oh) * ow_n;
          std::fill_n(yr, ow_n, std::numeric_limits<T>::lowest());
          for (int64_t k = 0; k < krows; ++k) {
            const int64_t row = window_tap_row(w, taps[static_cast<size_t>(k * kw)], od, oh);
            if (row >= 0) max_row<T>(across.data() + row * ow_n, 1, yr, ow_n);
          }
        }
    }
  });
}

RKNNC_TYPED_KERNELS("MaxPool", max_pool_kernel, float, int8_t, uint8_t);

}  // namespace
}  // namespace rknnc::runtime::kernels
