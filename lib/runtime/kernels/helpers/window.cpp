#include "runtime/kernels/helpers/window.h"

#include <algorithm>

namespace rknnc::runtime::kernels {
std::vector<int64_t> ints_or(const KernelContext& ctx, const char* key, size_t n, int64_t fallback) {
  auto v = ctx.attrs().get_ints(key, std::vector<int64_t>(n, fallback));
  if (v.size() != n) ctx.fail("attribute {} has {} values, expected {}", key, v.size(), n);
  return v;
}

std::vector<int64_t> spatial_dims(const KernelContext& ctx, const ir::Shape& shape) {
  if (shape.size() < 3 || shape.size() > 5)
    ctx.fail("input shape {} must be N,C plus 1 to 3 spatial dims", ir::shape_str(shape));
  return {shape.begin() + 2, shape.end()};
}

ir::Shape window_output_shape(int64_t n, int64_t c, const Window& w) {
  ir::Shape s{n, c};
  for (size_t d = 3 - w.rank; d < 3; ++d) s.push_back(w.out[d]);
  return s;
}

Window sliding_window(const KernelContext& ctx, const std::vector<int64_t>& in_spatial,
                      const std::vector<int64_t>& kernel, bool allow_ceil) {
  const size_t r = in_spatial.size();
  if (kernel.size() != r) ctx.fail("kernel has {} dims, the input has {} spatial dims", kernel.size(), r);
  const auto strides = ints_or(ctx, "strides", r, 1);
  const auto dilations = ints_or(ctx, "dilations", r, 1);
  auto pads = ints_or(ctx, "pads", 2 * r, 0);
  const std::string auto_pad = ctx.attrs().get_string("auto_pad", "NOTSET");
  const bool ceil_mode = allow_ceil && ctx.attrs().get_int("ceil_mode", 0) != 0;
  Window w;
  w.rank = r;
  const size_t lead = 3 - r;
  for (size_t i = 0; i < r; ++i) {
    const size_t d = lead + i;
    if (strides[i] <= 0 || dilations[i] <= 0 || kernel[i] <= 0)
      ctx.fail("kernel, strides and dilations must be positive");
    w.in[d] = in_spatial[i];
    w.kernel[d] = kernel[i];
    w.stride[d] = strides[i];
    w.dilation[d] = dilations[i];
    const int64_t extent = (kernel[i] - 1) * dilations[i] + 1;
    if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
      w.out[d] = (in_spatial[i] + strides[i] - 1) / strides[i];
      const int64_t total = std::max<int64_t>(0, (w.out[d] - 1) * strides[i] + extent - in_spatial[i]);
      w.pad_begin[d] = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      w.pad_end[d] = total - w.pad_begin[d];
      continue;
    }
    if (auto_pad == "VALID") {
      pads[i] = pads[i + r] = 0;
    } else if (auto_pad != "NOTSET") {
      ctx.fail("auto_pad '{}' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID", auto_pad);
    }
    w.pad_begin[d] = pads[i];
    w.pad_end[d] = pads[i + r];
    const int64_t span = in_spatial[i] + pads[i] + pads[i + r] - extent;
    if (span < 0) ctx.fail("kernel extent {} exceeds the padded input size {}", extent, span + extent);
    w.out[d] = (ceil_mode ? (span + strides[i] - 1) / strides[i] : span / strides[i]) + 1;
    // A window may not start inside the end padding (ceil_mode).
    if (ceil_mode && (w.out[d] - 1) * strides[i] >= in_spatial[i] + pads[i]) --w.out[d];
  }
  return w;
}

std::vector<WindowTap> window_taps(const Window& w) {
  const int64_t ow_n = w.out[2], s = w.stride[2];
  std::vector<WindowTap> tap(static_cast<size_t>(w.kernel_size()));
  for (int64_t k = 0; k < w.kernel_size(); ++k) {
    const int64_t kw = k % w.kernel[2], kh = (k / w.kernel[2]) % w.kernel[1], kd = k / (w.kernel[2] * w.kernel[1]);
    const int64_t off = kw * w.dilation[2] - w.pad_begin[2];
    const int64_t lo = std::min(ow_n, off >= 0 ? 0 : (-off + s - 1) / s);
    const int64_t hi = std::max(lo, std::min(ow_n, w.in[2] - off <= 0 ? 0 : (w.in[2] - off + s - 1) / s));
    tap[static_cast<size_t>(k)] = {kd * w.dilation[0], kh * w.dilation[1], off, lo, hi};
  }
  return tap;
}

std::pair<int64_t, int64_t> taps_inside(const Window& w, int d, int64_t o) {
  const int64_t start = window_start(w, d, o);
  int64_t k0 = 0, k1 = w.kernel[d];
  while (k0 < k1 && start + k0 * w.dilation[d] < 0) ++k0;
  while (k1 > k0 && start + (k1 - 1) * w.dilation[d] >= w.in[d]) --k1;
  return {k0, k1};
}

int64_t window_tap_row(const Window& w, const WindowTap& t, int64_t od, int64_t oh) {
  const int64_t id = window_start(w, 0, od) + t.dd, ih = window_start(w, 1, oh) + t.dh;
  if (id < 0 || id >= w.in[0] || ih < 0 || ih >= w.in[1]) return -1;
  return id * w.in[1] + ih;
}

}  // namespace rknnc::runtime::kernels
