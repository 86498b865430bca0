#include "runtime/kernels/helpers/attrs.h"
#include "runtime/kernels/helpers/broadcast.h"
#include "runtime/kernels/helpers/copy.h"

namespace rknnc::runtime::kernels {
namespace {

// Expand(input, shape): numpy broadcast of input and shape.
void expand_any(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  const auto shape = int_input(ctx, 1);
  if (!shape) ctx.fail("the shape input is required");
  const ir::Shape out = broadcast_shapes(ctx, {x.shape(), *shape});
  ir::Tensor& y = ctx.set_output(0, x.dtype(), out);
  copy_strided(ctx.pool, y.raw(), x.raw(), ir::dtype_size(x.dtype()), out, broadcast_strides(x.shape(), out));
}

RKNNC_KERNEL("Expand", kAnyType, expand_any);

}  // namespace
}  // namespace rknnc::runtime::kernels
