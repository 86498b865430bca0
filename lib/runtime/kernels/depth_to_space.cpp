#include "runtime/kernels/helpers/copy.h"

namespace rknnc::runtime::kernels {
namespace {

// [N, C, H, W] → [N, C/b², H·b, W·b]. DCR: depth is (row offset, column
// offset, channel); CRD: (channel, row offset, column offset). Any dtype.
void depth_to_space_any(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  if (x.shape().size() != 4) ctx.fail("input must be [N, C, H, W], got {}", ir::shape_str(x.shape()));
  const int64_t b = ctx.attrs().get_int("blocksize", 0);
  const int64_t n = x.shape()[0], c = x.shape()[1], h = x.shape()[2], w = x.shape()[3];
  if (b <= 0 || c % (b * b) != 0) ctx.fail("blocksize {} squared does not divide the {} channels", b, c);
  const std::string mode = ctx.attrs().get_string("mode", "DCR");
  if (mode != "DCR" && mode != "CRD") ctx.fail("mode '{}' is not DCR or CRD", mode);
  const int64_t co = c / (b * b);
  ir::Tensor& y = ctx.set_output(0, x.dtype(), {n, co, h * b, w * b});
  if (mode == "DCR")
    copy_permuted(ctx.pool, y.raw(), x.raw(), ir::dtype_size(x.dtype()), {n, b, b, co, h, w}, {0, 3, 4, 1, 5, 2});
  else
    copy_permuted(ctx.pool, y.raw(), x.raw(), ir::dtype_size(x.dtype()), {n, co, b, b, h, w}, {0, 1, 4, 2, 5, 3});
}

RKNNC_KERNEL("DepthToSpace", kAnyType, depth_to_space_any);

}  // namespace
}  // namespace rknnc::runtime::kernels
