#include "runtime/kernels/helpers/attrs.h"

#include <algorithm>

namespace rknnc::runtime::kernels {

int64_t normalize_axis(const KernelContext& ctx, int64_t axis, size_t rank) {
  const auto r = static_cast<int64_t>(rank);
  if (axis < -r || axis >= r) ctx.fail("axis {} is out of range for rank {}", axis, r);
  return axis < 0 ? axis + r : axis;
}

std::vector<int64_t> normalize_axes(const KernelContext& ctx, std::vector<int64_t> axes, size_t rank) {
  for (auto& a : axes) a = normalize_axis(ctx, a, rank);
  std::vector<int64_t> sorted = axes;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) ctx.fail("axes repeat an axis");
  return axes;
}

std::optional<std::vector<int64_t>> int_input(const KernelContext& ctx, size_t i) {
  const ir::Tensor* t = ctx.opt(i);
  if (!t) return std::nullopt;
  if (t->shape().size() > 1) ctx.fail("input {} must be 1-D, got shape {}", i, ir::shape_str(t->shape()));
  return t->to_int_vector();
}

std::optional<double> scalar_input(const KernelContext& ctx, size_t i) {
  const ir::Tensor* t = ctx.opt(i);
  if (!t || t->numel() == 0) return std::nullopt;
  if (t->numel() != 1) ctx.fail("input {} must be a scalar, got shape {}", i, ir::shape_str(t->shape()));
  return t->get_as_double(0);
}

AxisSplit split_at_axis(const ir::Shape& shape, int64_t axis) {
  AxisSplit s;
  for (int64_t d = 0; d < static_cast<int64_t>(shape.size()); ++d) {
    if (d < axis) s.outer *= shape[d];
    else if (d == axis) s.dim = shape[d];
    else s.inner *= shape[d];
  }
  return s;
}

}  // namespace rknnc::runtime::kernels
