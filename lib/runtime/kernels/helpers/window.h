#pragma once
// Sliding-window geometry shared by Conv, ConvTranspose and the pools.
// 1-D/2-D/3-D spatial shapes are padded with leading 1s to three dims
// (depth, height, width) so every loop is written once.
#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "runtime/kernel.h"

namespace rknnc::runtime::kernels {

struct Window {
  size_t rank = 0;  // spatial rank of the node (1..3)
  std::array<int64_t, 3> in{1, 1, 1}, out{1, 1, 1}, kernel{1, 1, 1}, stride{1, 1, 1}, dilation{1, 1, 1},
      pad_begin{0, 0, 0}, pad_end{0, 0, 0};
  int64_t in_size() const { return in[0] * in[1] * in[2]; }
  int64_t out_size() const { return out[0] * out[1] * out[2]; }
  int64_t kernel_size() const { return kernel[0] * kernel[1] * kernel[2]; }
};

// Reads strides, dilations, pads, auto_pad (and ceil_mode when `allow_ceil`)
// for an input of spatial shape `in_spatial` and the given kernel extent.
Window sliding_window(const KernelContext& ctx, const std::vector<int64_t>& in_spatial,
                      const std::vector<int64_t>& kernel, bool allow_ceil);

// Attribute `key` with n values (absent: n times fallback); fails on another count.
std::vector<int64_t> ints_or(const KernelContext& ctx, const char* key, size_t n, int64_t fallback);

// Spatial part of an N,C,spatial... shape; fails when the rank is not 3..5.
std::vector<int64_t> spatial_dims(const KernelContext& ctx, const ir::Shape& shape);
// Output shape N,C,out... for a window.
ir::Shape window_output_shape(int64_t n, int64_t c, const Window& w);

// Per output index along dim d, the first input index (may be negative).
inline int64_t window_start(const Window& w, int d, int64_t o) { return o * w.stride[d] - w.pad_begin[d]; }

// A tap of the window (kernel offset k, in order kd, kh, kw): its depth /
// height offsets, its width offset from an output's first input column, and
// the outputs [lo, hi) of a row for which its input column is inside the input.
struct WindowTap {
  int64_t dd, dh, off, lo, hi;
};
std::vector<WindowTap> window_taps(const Window& w);
// Along dim d, the kernel offsets [first, second) whose input index for
// output o is inside the input.
std::pair<int64_t, int64_t> taps_inside(const Window& w, int d, int64_t o);
// The input row (depth * in height + height) tap t reads for output row (od, oh), or -1 outside the input.
int64_t window_tap_row(const Window& w, const WindowTap& t, int64_t od, int64_t oh);

}  // namespace rknnc::runtime::kernels
