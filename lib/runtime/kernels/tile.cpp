#include "runtime/kernels/helpers/attrs.h"
#include "runtime/kernels/helpers/copy.h"

namespace rknnc::runtime::kernels {
namespace {

// Tile(input, repeats): viewed as [r0, d0, r1, d1, ...] with stride 0 on the repeats.
void tile_any(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  const auto repeats = int_input(ctx, 1);
  const size_t rank = x.shape().size();
  if (!repeats || repeats->size() != rank) ctx.fail("repeats must have one value per input dim ({})", rank);
  const auto strides = ir::shape_strides(x.shape());
  ir::Shape view, out;
  std::vector<int64_t> view_strides;
  for (size_t d = 0; d < rank; ++d) {
    if ((*repeats)[d] < 0) ctx.fail("repeats must be non-negative");
    view.insert(view.end(), {(*repeats)[d], x.shape()[d]});
    view_strides.insert(view_strides.end(), {0, strides[d]});
    out.push_back((*repeats)[d] * x.shape()[d]);
  }
  ir::Tensor y(x.dtype(), view);
  copy_strided(ctx.pool, y.raw(), x.raw(), ir::dtype_size(x.dtype()), view, view_strides);
  ctx.outputs[0] = y.reshaped(out);
}

RKNNC_KERNEL("Tile", kAnyType, tile_any);

}  // namespace
}  // namespace rknnc::runtime::kernels
