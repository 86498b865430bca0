#include <algorithm>
#include <limits>

#include "runtime/kernels/helpers/attrs.h"
#include "runtime/kernels/helpers/copy.h"

namespace rknnc::runtime::kernels {
namespace {

// Slice(data, starts, ends, axes?, steps?) with numpy clamping and negative steps.
void slice_any(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  const size_t rank = x.shape().size();
  const auto starts = int_input(ctx, 1), ends = int_input(ctx, 2);
  if (!starts || !ends || starts->size() != ends->size()) ctx.fail("starts and ends must be given with equal length");
  std::vector<int64_t> axes = int_input(ctx, 3).value_or(std::vector<int64_t>{});
  if (axes.empty())
    for (size_t i = 0; i < starts->size(); ++i) axes.push_back(static_cast<int64_t>(i));
  axes = normalize_axes(ctx, axes, rank);
  std::vector<int64_t> steps = int_input(ctx, 4).value_or(std::vector<int64_t>(starts->size(), 1));
  if (axes.size() != starts->size() || steps.size() != starts->size())
    ctx.fail("starts, ends, axes and steps must have equal length");
  ir::Shape out = x.shape();
  const auto in_strides = ir::shape_strides(x.shape());
  std::vector<int64_t> strides = in_strides;
  int64_t offset = 0;
  for (size_t i = 0; i < axes.size(); ++i) {
    const auto a = static_cast<size_t>(axes[i]);
    const int64_t dim = x.shape()[a], step = steps[i];
    if (step == 0) ctx.fail("steps must be non-zero");
    int64_t b = (*starts)[i], e = (*ends)[i];
    if (b < 0) b += dim;
    if (e < 0 && e != std::numeric_limits<int64_t>::min()) e += dim;
    else if (e == std::numeric_limits<int64_t>::min()) e = -1;
    if (step > 0) {
      b = std::clamp<int64_t>(b, 0, dim);
      e = std::clamp<int64_t>(e, 0, dim);
      out[a] = e > b ? (e - b + step - 1) / step : 0;
    } else {
      b = std::max<int64_t>(0, std::min(b, dim - 1));
      e = std::max<int64_t>(-1, std::min(e, dim - 1));
      out[a] = dim > 0 && b > e ? (b - e - step - 1) / -step : 0;
    }
    if (out[a] > 0) offset += b * in_strides[a];
    strides[a] = in_strides[a] * step;
  }
  ir::Tensor& y = ctx.set_output(0, x.dtype(), out);
  copy_strided(ctx.pool, y.raw(), x.raw(), ir::dtype_size(x.dtype()), out, strides, offset);
}

RKNNC_KERNEL("Slice", kAnyType, slice_any);

}  // namespace
}  // namespace rknnc::runtime::kernels
