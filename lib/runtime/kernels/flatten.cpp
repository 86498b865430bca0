#include "runtime/kernels/helpers/attrs.h"

namespace rknnc::runtime::kernels {
namespace {

void flatten_any(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  const auto rank = static_cast<int64_t>(x.shape().size());
  int64_t axis = ctx.attrs().get_int("axis", 1);
  if (axis < -rank || axis > rank) ctx.fail("axis {} is out of range for rank {}", axis, rank);
  if (axis < 0) axis += rank;
  const AxisSplit s = split_at_axis(x.shape(), axis);
  ctx.outputs[0] = x.reshaped({s.outer, s.dim * s.inner});
}

RKNNC_KERNEL("Flatten", kAnyType, flatten_any);

}  // namespace
}  // namespace rknnc::runtime::kernels
