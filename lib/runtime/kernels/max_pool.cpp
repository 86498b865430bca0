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
// width taps, then each output row the maxima of those over the window's
// rows. The update keeps the earlier value on a tie or a NaN, so both passes
// pick the first maximum in (kd, kh, kw) order, as one pass over all taps
// would: the same bytes, with kh + kw comparisons per output instead of
// kh * kw.

// 2-D windows at stride 1 along the row: the plane is first copied into a
// frame of `lowest` values as wide as every window reaches, so each tap is
// one loop over the whole plane instead of one per row and tap (yolov5's
// SPPF pool, 5x5 on 256x20x20, had spent most of its time starting loops of
// 16 values: 0.30 -> 0.19 ms). A padding value never wins (the running
// maximum starts at `lowest` and keeps the earlier value on a tie), so the
// bytes are those of the taps inside the plane alone.
template <typename T>
struct FramedPlane {
  const Window& w;
  int64_t hp, wp;  // the frame: rows and row length
  FramedPlane(const Window& win)
      : w(win),
        hp(std::max(win.pad_begin[1] + win.in[1],
                    (win.out[1] - 1) * win.stride[1] + (win.kernel[1] - 1) * win.dilation[1] + 1)),
        wp(std::max(win.pad_begin[2] + win.in[2],
                    (win.out[2] - 1) * win.stride[2] + (win.kernel[2] - 1) * win.dilation[2] + 1)) {}

  void frame(const T* x, T* f) const {
    const T low = std::numeric_limits<T>::lowest();
    const int64_t top = w.pad_begin[1], left = w.pad_begin[2], right = wp - left - w.in[2];
    std::fill_n(f, top * wp + left, low);
    for (int64_t h = 0; h < w.in[1]; ++h) {
      T* row = f + (top + h) * wp + left;
      std::copy_n(x + h * w.in[2], w.in[2], row);
      std::fill_n(row + w.in[2], right + (h + 1 < w.in[1] ? left : 0), low);  // this row's right, the next one's left
    }
    const int64_t done = (top + w.in[1]) * wp;
    std::fill_n(f + done, hp * wp - done, low);
  }
  // a (hp rows of wp) = the maxima over the width taps (stride 1).
  void across(const T* f, T* a) const {
    const int64_t kw = w.kernel[2], d = w.dilation[2];
    // the whole frame at once; the last (kw - 1) * d values read no further than the frame
    const int64_t n = hp * wp - (kw - 1) * d;
    max_from_lowest<T>(f, a, n);
    std::fill_n(a + n, hp * wp - n, std::numeric_limits<T>::lowest());
    for (int64_t j = 1; j < kw; ++j) max_row<T>(f + j * d, 1, a, n);
  }
  // y (out rows x ow) = the maxima of a's rows over the window's rows; t is scratch.
  void down(const T* a, T* y, T* t) const {
    const int64_t pitch = wp, kh = w.kernel[1], d = w.dilation[1] * pitch, s = w.stride[1], oh = w.out[1];
    const int64_t ow = w.out[2];
    if (s == 1) {
      const int64_t n = oh * pitch;
      T* out = pitch == ow ? y : t;
      max_from_lowest<T>(a, out, n);
      for (int64_t k = 1; k < kh; ++k) max_row<T>(a + k * d, 1, out, n);
      if (out != y)
        for (int64_t r = 0; r < oh; ++r) std::copy_n(t + r * pitch, ow, y + r * ow);
      return;
    }
    for (int64_t r = 0; r < oh; ++r) {
      const T* ar = a + r * s * pitch;
      T* yr = y + r * ow;
      max_from_lowest<T>(ar, yr, ow);
      for (int64_t k = 1; k < kh; ++k) max_row<T>(ar + k * d, 1, yr, ow);
    }
  }
};

// Any window rank: per input row its width taps' maxima (the taps reaching
// each output column), then per output row those of the window's rows.
template <typename T>
void pool_rows(const T* x, const Window& w, const std::vector<WindowTap>& taps, T* across, T* y) {
  const int64_t in_rows = w.in[0] * w.in[1], kw = w.kernel[2], krows = w.kernel[0] * w.kernel[1], ow_n = w.out[2];
  for (int64_t r = 0; r < in_rows; ++r) {
    T* a = across + r * ow_n;
    std::fill_n(a, ow_n, std::numeric_limits<T>::lowest());
    for (int64_t j = 0; j < kw; ++j) {
      const WindowTap& t = taps[static_cast<size_t>(j)];
      max_row<T>(x + r * w.in[2] + t.off + t.lo * w.stride[2], w.stride[2], a + t.lo, t.hi - t.lo);
    }
  }
  for (int64_t od = 0; od < w.out[0]; ++od)
    for (int64_t oh = 0; oh < w.out[1]; ++oh) {
      T* yr = y + (od * w.out[1] + oh) * ow_n;
      std::fill_n(yr, ow_n, std::numeric_limits<T>::lowest());
      for (int64_t k = 0; k < krows; ++k) {
        const int64_t row = window_tap_row(w, taps[static_cast<size_t>(k * kw)], od, oh);
        if (row >= 0) max_row<T>(across + row * ow_n, 1, yr, ow_n);
      }
    }
}

template <typename T>
void max_pool_kernel(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  if (ctx.outputs.size() > 1 && !ctx.node.outputs[1].empty()) ctx.fail("the Indices output is not supported");
  if (ctx.attrs().get_int("storage_order", 0) != 0) ctx.fail("storage_order 1 is not supported");
  const Window w = sliding_window(ctx, spatial_dims(ctx, x.shape()), ctx.attrs().get_ints("kernel_shape"), true);
  ir::Tensor& y = ctx.set_output_unfilled(0, x.dtype(), window_output_shape(x.shape()[0], x.shape()[1], w));
  const std::vector<WindowTap> taps = window_taps(w);
  const int64_t planes = x.shape()[0] * x.shape()[1], in = w.in_size(), out = w.out_size();
  // A 2-D window at stride 1 along the row: the framed plane (at stride 2
  // the frame's copy cost more than the loops it saved: resnet's 3x3 stride 2
  // pool on 64x112x112, 0.45 -> 0.52 ms).
  const bool flat = w.in[0] == 1 && w.kernel[0] == 1 && w.out[0] == 1 && w.stride[2] == 1;
  const FramedPlane<T> framed(w);
  const T* src = x.data<T>();
  T* dst = y.data<T>();
  ctx.pool.parallel_for(planes, out * (w.kernel[2] + w.kernel[0] * w.kernel[1]), [&](int64_t b, int64_t e) {
    thread_local std::vector<T> frame, across, rows;
    if (flat) {
      const size_t n = static_cast<size_t>(framed.hp * framed.wp);
      grow_to(frame, n), grow_to(across, n), grow_to(rows, n);
    } else {
      grow_to(across, static_cast<size_t>(w.in[0] * w.in[1] * w.out[2]));
    }
    for (int64_t p = b; p < e; ++p) {
      if (!flat) {
        pool_rows<T>(src + p * in, w, taps, across.data(), dst + p * out);
        continue;
      }
      framed.frame(src + p * in, frame.data());
      framed.across(frame.data(), across.data());
      framed.down(across.data(), dst + p * out, rows.data());
    }
  });
}

RKNNC_TYPED_KERNELS("MaxPool", max_pool_kernel, float, int8_t, uint8_t);

}  // namespace
}  // namespace rknnc::runtime::kernels
