#include <numeric>

#include "runtime/kernels/helpers/attrs.h"
#include "runtime/kernels/helpers/copy.h"

namespace rknnc::runtime::kernels {
namespace {

// Split(input, split?): sizes from input 1, else equal parts (the last one
// smaller when num_outputs does not divide the axis, opset 18 rule).
void split_any(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  const int64_t axis = normalize_axis(ctx, ctx.attrs().get_int("axis", 0), x.shape().size());
  const AxisSplit s = split_at_axis(x.shape(), axis);
  const auto n = static_cast<int64_t>(ctx.outputs.size());
  std::vector<int64_t> sizes;
  if (auto given = int_input(ctx, 1)) {
    sizes = *given;
    if (static_cast<int64_t>(sizes.size()) != n) ctx.fail("split has {} sizes for {} outputs", sizes.size(), n);
    if (std::accumulate(sizes.begin(), sizes.end(), int64_t{0}) != s.dim)
      ctx.fail("split sizes do not add up to the axis size {}", s.dim);
  } else {
    const int64_t part = (s.dim + n - 1) / n;
    for (int64_t i = 0; i < n; ++i) sizes.push_back(std::max<int64_t>(0, std::min(part, s.dim - i * part)));
  }
  int64_t col = 0;
  for (int64_t i = 0; i < n; ++i) {
    ir::Shape shape = x.shape();
    shape[static_cast<size_t>(axis)] = sizes[static_cast<size_t>(i)];
    ir::Tensor& y = ctx.set_output(static_cast<size_t>(i), x.dtype(), shape);
    const int64_t w = sizes[static_cast<size_t>(i)] * s.inner;
    copy_rows(ctx.pool, y.raw(), w, 0, x.raw(), s.dim * s.inner, col, w, s.outer, ir::dtype_size(x.dtype()));
    col += w;
  }
}

RKNNC_KERNEL("Split", kAnyType, split_any);

}  // namespace
}  // namespace rknnc::runtime::kernels
