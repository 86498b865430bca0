// Quantised Resize, nearest and linear (bilinear): the output keeps the
// input's scale and zero point (a convex combination stays in the input's
// range). Each tap weight is held on 15 fraction bits (exact for nearest and
// for the 0.25 / 0.75 of a 2x half_pixel resize), the sum
// Σ Π w·(x - zx) is exact in int64, and y = sat(zx + round(sum · 2^-15·dims))
// with rounding half away from zero.
#include <algorithm>
#include <vector>

#include "runtime/kernels/helpers/requant.h"
#include "runtime/kernels/helpers/resize_plan.h"

namespace rknnc::runtime::kernels {
namespace {

// Every output reads one input value with weight 1 (nearest, no roi
// extrapolation): then zx + round((x - zx)·2^s / 2^s) is x itself, and the
// resize is a gather of bytes. The input index of each output index per dim,
// or empty when some output needs the general sum.
std::vector<std::vector<int64_t>> single_taps(const ResizePlan& p) {
  std::vector<std::vector<int64_t>> index(p.maps.size());
  for (size_t d = 0; d < p.maps.size(); ++d) {
    if (p.maps[d].identity) continue;
    for (const Taps& t : p.maps[d].taps) {
      if (t.outside || t.n != 1 || t.q[0] != int64_t{1} << kResizeWeightBits) return {};
      index[d].push_back(t.i[0]);
    }
  }
  return index;
}

// y = x gathered through `index` (identity where a dim's list is empty), a
// row of the last dim at a time.
void gather_rows(KernelContext& ctx, const ir::Tensor& x, const ResizePlan& p,
                 const std::vector<std::vector<int64_t>>& index, int8_t* dst) {
  const size_t rank = p.out.size();
  const auto strides = ir::shape_strides(x.shape());
  const int64_t width = p.out[rank - 1], rows = ir::shape_numel(p.out) / std::max<int64_t>(width, 1);
  std::vector<int64_t> last(static_cast<size_t>(width));
  for (int64_t j = 0; j < width; ++j) last[j] = index[rank - 1].empty() ? j : index[rank - 1][j];
  const int8_t* src = x.data<int8_t>();
  ctx.pool.parallel_for(rows, width, [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) {
      int64_t rem = r, base = 0;
      for (size_t d = rank - 1; d-- > 0;) {
        const int64_t o = rem % p.out[d];
        rem /= p.out[d];
        base += (index[d].empty() ? o : index[d][static_cast<size_t>(o)]) * strides[d];
      }
      int8_t* y = dst + r * width;
      for (int64_t j = 0; j < width; ++j) y[j] = src[base + last[j]];
    }
  });
}

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
  int8_t* dst = ctx.set_output_unfilled(0, ir::DataType::Int8, p.out).data<int8_t>();  // every output is put below
  if (const auto index = single_taps(p); !index.empty() && !p.out.empty() && ir::shape_numel(p.out) > 0)
    return gather_rows(ctx, x, p, index, dst);
  for_each_resize_output<int8_t, int64_t>(
      ctx, p, x, int64_t{zx},
      [&](int64_t o, int64_t acc) { dst[o] = saturate_int8(zx + FixedMultiplier::round_shift(acc, shift)); },
      [&](int64_t o) { dst[o] = outside; });
}

RKNNC_QUANT_KERNEL("Resize", resize_q8);

}  // namespace
}  // namespace rknnc::runtime::kernels
