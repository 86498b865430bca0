// Quantised Resize, nearest and linear (bilinear): the output keeps the
// input's scale and zero point (a convex combination stays in the input's
// range). Each tap weight is held on 15 fraction bits (exact for nearest and
// for the 0.25 / 0.75 of a 2x half_pixel resize), the sum
// Σ Π w·(x - zx) is exact in int64, and y = sat(zx + round(sum · 2^-15·dims))
// with rounding half away from zero.
#include "runtime/kernels/helpers/requant.h"
#include "runtime/kernels/helpers/resize_plan.h"

namespace rknnc::runtime::kernels {
namespace {

void resize_q8(KernelContext& ctx) {
  const ir::QuantParams& q = ctx.qin(0);
  if (q.per_channel() || ctx.qout(0) != q) ctx.fail("output must keep the input's per-tensor scale and zero point");
  const std::string mode = ctx.attrs().get_string("mode", "nearest");
  if (mode != "nearest" && mode != "linear") ctx.fail("int8 Resize supports modes nearest and linear, not '{}'", mode);
  const ir::Tensor& x = ctx.in(0);
  const ResizePlan p = resize_plan(ctx);
  // 15 bits per interpolated dim, times |x - zx| < 2^8, must stay inside int64.
  if (p.interp.size() > 3) ctx.fail("int8 Resize interpolates at most 3 dims, not {}", p.interp.size());
  const int32_t zx = q.zero_point_at(0);
  const int shift = kResizeWeightBits * static_cast<int>(p.interp.size());
  const int8_t outside = static_cast<int8_t>(ir::quantize_real(p.extrapolation, q.scale_at(0), zx));
  int8_t* dst = ctx.set_output(0, ir::DataType::Int8, p.out).data<int8_t>();
  for_each_resize_output<int8_t, int64_t>(
      ctx, p, x, int64_t{zx},
      [&](int64_t o, int64_t acc) { dst[o] = saturate_int8(zx + FixedMultiplier::round_shift(acc, shift)); },
      [&](int64_t o) { dst[o] = outside; });
}

RKNNC_QUANT_KERNEL("Resize", resize_q8);

}  // namespace
}  // namespace rknnc::runtime::kernels
