#include <cstring>

#include "runtime/kernels/helpers/attrs.h"

namespace rknnc::runtime::kernels {
namespace {

// Keeps the upper (j - i >= k) or lower (j - i <= k) triangle of every
// matrix in the last two dims, zeros elsewhere. Any dtype.
void trilu_any(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  const size_t rank = x.shape().size();
  if (rank < 2) ctx.fail("input must have at least 2 dims, got {}", ir::shape_str(x.shape()));
  const auto k = scalar_input(ctx, 1);
  const int64_t diag = k ? static_cast<int64_t>(*k) : 0;
  const bool upper = ctx.attrs().get_int("upper", 1) != 0;
  const int64_t rows = x.shape()[rank - 2], cols = x.shape()[rank - 1];
  const int64_t mats = rows * cols > 0 ? x.numel() / (rows * cols) : 0;
  ir::Tensor& y = ctx.set_output(0, x.dtype(), x.shape());
  const size_t es = ir::dtype_size(x.dtype());
  const auto* src = static_cast<const std::byte*>(x.raw());
  auto* dst = static_cast<std::byte*>(y.raw());
  for (int64_t m = 0; m < mats; ++m)
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < cols; ++j)
        if (upper ? j - i >= diag : j - i <= diag) {
          const auto at = static_cast<size_t>((m * rows + i) * cols + j) * es;
          std::memcpy(dst + at, src + at, es);
        }
}

RKNNC_KERNEL("Trilu", kAnyType, trilu_any);

}  // namespace
}  // namespace rknnc::runtime::kernels
