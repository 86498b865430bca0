#include "runtime/kernels/helpers/copy.h"

namespace rknnc::runtime::kernels {
namespace {

// [N, C, H, W] → [N, C·b², H/b, W/b]; depth is (row offset, column offset, channel). Any dtype.
void space_to_depth_any(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  if (x.shape().size() != 4) ctx.fail("input must be [N, C, H, W], got {}", ir::shape_str(x.shape()));
  const int64_t b = ctx.attrs().get_int("blocksize", 0);
  const int64_t n = x.shape()[0], c = x.shape()[1], h = x.shape()[2], w = x.shape()[3];
  if (b <= 0 || h % b != 0 || w % b != 0) ctx.fail("blocksize {} does not divide the spatial size {}x{}", b, h, w);
  ir::Tensor& y = ctx.set_output(0, x.dtype(), {n, c * b * b, h / b, w / b});
  copy_permuted(ctx.pool, y.raw(), x.raw(), ir::dtype_size(x.dtype()), {n, c, h / b, b, w / b, b}, {0, 3, 5, 1, 2, 4});
}

RKNNC_KERNEL("SpaceToDepth", kAnyType, space_to_depth_any);

}  // namespace
}  // namespace rknnc::runtime::kernels
