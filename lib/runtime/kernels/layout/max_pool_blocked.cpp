#include <immintrin.h>

#include <algorithm>
#include <limits>
#include <utility>
#include <vector>

#include "runtime/kernel.h"
#include "runtime/kernels/helpers/blocked_conv.h"
#include "runtime/kernels/helpers/window.h"

namespace rknnc::runtime::kernels {
namespace {

// Per output index along dim d, the window's taps inside the input.
std::vector<std::pair<int64_t, int64_t>> tap_ranges(const Window& w, int d) {
  std::vector<std::pair<int64_t, int64_t>> r;
  for (int64_t o = 0; o < w.out[d]; ++o) r.push_back(taps_inside(w, d, o));
  return r;
}

// y[o] (16 channels) = the running maximum from `lowest` over x[start(o) +
// k * dil] for k in o's taps, for `n` outputs `step` input pixels apart: the
// update keeps the earlier value on a tie or a NaN (vmaxps(x, acc) is
// x > acc ? x : acc, max_rows.h's select).
__attribute__((target("avx512f"))) void max_taps(const float* x, const std::vector<std::pair<int64_t, int64_t>>& taps,
                                                 int64_t n, int64_t step, int64_t pad, int64_t dil, int64_t pitch,
                                                 float* y, int64_t ypitch) {
  constexpr __mmask16 kAll = 0xFFFF;  // GCC 12: the all-lanes masked form (see store_clamp_avx512.h)
  const __m512 low = _mm512_set1_ps(std::numeric_limits<float>::lowest());
  for (int64_t o = 0; o < n; ++o) {
    __m512 acc = low;
    const int64_t start = o * step - pad;
    for (int64_t k = taps[static_cast<size_t>(o)].first; k < taps[static_cast<size_t>(o)].second; ++k)
      acc = _mm512_maskz_max_ps(kAll, _mm512_loadu_ps(x + (start + k * dil) * pitch), acc);
    _mm512_storeu_ps(y + o * ypitch, acc);
  }
}

// rknnc.MaxPoolBlocked: a 2-D MaxPool of a channel-blocked image
// (runtime/layout_plan.h), 16 channels a vector, separable as max_pool.cpp:
// each input row's maxima over the width taps, then each output row's over
// the window's rows (the same first maximum in (kh, kw) order).
void max_pool_blocked_f32(KernelContext& ctx) {
  const ir::Shape& s = ctx.in(0).shape();
  if (s.size() != 5 || s[4] != kChannelBlock) ctx.fail("input {} is not a channel-blocked image", ir::shape_str(s));
  if (ctx.attrs().get_int("storage_order", 0) != 0) ctx.fail("storage_order 1 is not supported");
  const Window w = sliding_window(ctx, {s[2], s[3]}, ctx.attrs().get_ints("kernel_shape"), true);
  ir::Tensor& y = ctx.set_output_unfilled(0, ir::DataType::Float32, {s[0], s[1], w.out[1], w.out[2], kChannelBlock});
  const auto rows = tap_ranges(w, 1), cols = tap_ranges(w, 2);
  const float* px = ctx.in(0).data<float>();
  float* py = y.data<float>();
  const int64_t L = kChannelBlock, in = w.in_size() * L, out = w.out_size() * L, ow = w.out[2];
  ctx.pool.parallel_for(s[0] * s[1], (w.in[1] * w.kernel[2] + w.out[1] * w.kernel[1]) * ow * L, [&](int64_t b, int64_t e) {
    thread_local std::vector<float> across;
    across.resize(static_cast<size_t>(w.in[1] * ow * L));
    for (int64_t p = b; p < e; ++p) {
      for (int64_t ih = 0; ih < w.in[1]; ++ih)
        max_taps(px + p * in + ih * w.in[2] * L, cols, ow, w.stride[2], w.pad_begin[2], w.dilation[2], L,
                 across.data() + ih * ow * L, L);
      for (int64_t c = 0; c < ow; ++c)  // down each output column: the rows of `across`, ow * L apart
        max_taps(across.data() + c * L, rows, w.out[1], w.stride[1], w.pad_begin[1], w.dilation[1], ow * L,
                 py + p * out + c * L, ow * L);
    }
  });
}

RKNNC_KERNEL("rknnc.MaxPoolBlocked", ir::DataType::Float32, max_pool_blocked_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
