#include <cstring>

#include "runtime/kernels/helpers/attrs.h"

namespace rknnc::runtime::kernels {
namespace {

// Gather(data, indices; axis): any data dtype, int32/int64 indices, negative indices wrap.
void gather_any(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  const ir::Tensor& idx = ctx.in(1);
  if (idx.dtype() != ir::DataType::Int64 && idx.dtype() != ir::DataType::Int32)
    ctx.fail("indices must be int32 or int64, got {}", ir::dtype_name(idx.dtype()));
  const int64_t axis = normalize_axis(ctx, ctx.attrs().get_int("axis", 0), x.shape().size());
  const AxisSplit s = split_at_axis(x.shape(), axis);
  std::vector<int64_t> ind = idx.to_int_vector();
  for (auto& i : ind) {
    if (i < -s.dim || i >= s.dim) ctx.fail("index {} is out of range for axis {} of size {}", i, axis, s.dim);
    if (i < 0) i += s.dim;
  }
  ir::Shape out(x.shape().begin(), x.shape().begin() + axis);
  out.insert(out.end(), idx.shape().begin(), idx.shape().end());
  out.insert(out.end(), x.shape().begin() + axis + 1, x.shape().end());
  ir::Tensor& y = ctx.set_output(0, x.dtype(), out);
  const size_t row = static_cast<size_t>(s.inner) * ir::dtype_size(x.dtype());
  const auto* src = static_cast<const std::byte*>(x.raw());
  auto* dst = static_cast<std::byte*>(y.raw());
  const auto n = static_cast<int64_t>(ind.size());
  for (int64_t o = 0; o < s.outer; ++o)
    for (int64_t k = 0; k < n; ++k)
      std::memcpy(dst + static_cast<size_t>(o * n + k) * row,
                  src + static_cast<size_t>(o * s.dim + ind[static_cast<size_t>(k)]) * row, row);
}

RKNNC_KERNEL("Gather", kAnyType, gather_any);

}  // namespace
}  // namespace rknnc::runtime::kernels
