#include "runtime/kernels/helpers/attrs.h"
#include "runtime/kernels/helpers/copy.h"

namespace rknnc::runtime::kernels {
namespace {

void concat_any(KernelContext& ctx) {
  const ir::Tensor& first = ctx.in(0);
  const size_t rank = first.shape().size();
  const int64_t axis = normalize_axis(ctx, ctx.attrs().get_int("axis", 0), rank);
  ir::Shape out = first.shape();
  out[static_cast<size_t>(axis)] = 0;
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    const ir::Tensor& t = ctx.in(i);
    if (t.dtype() != first.dtype()) ctx.fail("input {} is {}, input 0 is {}", i, ir::dtype_name(t.dtype()), ir::dtype_name(first.dtype()));
    bool ok = t.shape().size() == rank;
    for (size_t d = 0; ok && d < rank; ++d) ok = static_cast<int64_t>(d) == axis || t.shape()[d] == out[d];
    if (!ok) ctx.fail("input {} has shape {}, incompatible with {} on axis {}", i, ir::shape_str(t.shape()), ir::shape_str(first.shape()), axis);
    out[static_cast<size_t>(axis)] += t.shape()[static_cast<size_t>(axis)];
  }
  ir::Tensor& y = ctx.set_output_unfilled(0, first.dtype(), out);
  const AxisSplit ys = split_at_axis(out, axis);
  int64_t col = 0;
  for (size_t i = 0; i < ctx.num_inputs(); ++i) {
    const ir::Tensor& t = ctx.in(i);
    const AxisSplit s = split_at_axis(t.shape(), axis);
    copy_rows(ctx.pool, y.raw(), ys.dim * ys.inner, col, t.raw(), s.dim * s.inner, 0, s.dim * s.inner, s.outer,
              ir::dtype_size(t.dtype()));
    col += s.dim * s.inner;
  }
}

RKNNC_KERNEL("Concat", kAnyType, concat_any);

}  // namespace
}  // namespace rknnc::runtime::kernels
