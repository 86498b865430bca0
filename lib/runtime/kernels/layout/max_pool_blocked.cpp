#include <algorithm>
#include <limits>

#include "runtime/kernel.h"
#include "runtime/kernels/helpers/blocked_conv.h"
#include "runtime/kernels/helpers/window.h"

namespace rknnc::runtime::kernels {
namespace {

// One output pixel's 16 channels: the running maximum from `lowest` over
// the window's taps inside the input, in (kh, kw) order, keeping the earlier
// value on a tie or a NaN (max_rows.h): the value max_pool.cpp's passes give.
__attribute__((target("avx512f"))) void max_over_taps(const float* x, const int64_t* taps, int64_t n, float* y) {
  float acc[kChannelBlock];
  std::fill_n(acc, kChannelBlock, std::numeric_limits<float>::lowest());
  for (int64_t t = 0; t < n; ++t)
    for (int64_t l = 0; l < kChannelBlock; ++l) acc[l] = x[taps[t] + l] > acc[l] ? x[taps[t] + l] : acc[l];
  std::copy_n(acc, kChannelBlock, y);
}

// rknnc.MaxPoolBlocked: a 2-D MaxPool of a channel-blocked image
// (runtime/layout_plan.h), one output pixel's 16 channels a vector.
void max_pool_blocked_f32(KernelContext& ctx) {
  const ir::Shape& s = ctx.in(0).shape();
  if (s.size() != 5 || s[4] != kChannelBlock) ctx.fail("input {} is not a channel-blocked image", ir::shape_str(s));
  if (ctx.attrs().get_int("storage_order", 0) != 0) ctx.fail("storage_order 1 is not supported");
  const Window w = sliding_window(ctx, {s[2], s[3]}, ctx.attrs().get_ints("kernel_shape"), true);
  ir::Tensor& y = ctx.set_output_unfilled(0, ir::DataType::Float32, {s[0], s[1], w.out[1], w.out[2], kChannelBlock});
  const float* px = ctx.in(0).data<float>();
  float* py = y.data<float>();
  const int64_t in = w.in_size() * kChannelBlock, out = w.out_size() * kChannelBlock;
  ctx.pool.parallel_for(s[0] * s[1] * w.out[1], w.out[2] * w.kernel_size() * kChannelBlock, [&](int64_t b, int64_t e) {
    std::vector<int64_t> taps(static_cast<size_t>(w.kernel_size()));
    for (int64_t i = b; i < e; ++i) {  // output row i % out rows of plane i / out rows
      const int64_t plane = i / w.out[1], oh = i % w.out[1], ih0 = window_start(w, 1, oh);
      for (int64_t ow = 0; ow < w.out[2]; ++ow) {
        const int64_t iw0 = window_start(w, 2, ow);
        int64_t n = 0;
        for (int64_t kh = 0; kh < w.kernel[1]; ++kh)
          for (int64_t kw = 0; kw < w.kernel[2]; ++kw) {
            const int64_t ih = ih0 + kh * w.dilation[1], iw = iw0 + kw * w.dilation[2];
            if (ih >= 0 && ih < w.in[1] && iw >= 0 && iw < w.in[2]) taps[static_cast<size_t>(n++)] = (ih * w.in[2] + iw) * kChannelBlock;
          }
        max_over_taps(px + plane * in, taps.data(), n, py + plane * out + (oh * w.out[2] + ow) * kChannelBlock);
      }
    }
  });
}

RKNNC_KERNEL("rknnc.MaxPoolBlocked", ir::DataType::Float32, max_pool_blocked_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
