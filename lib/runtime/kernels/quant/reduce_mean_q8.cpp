// Quantised ReduceMean: y = sat(zy + requant(Σ (x - zx), sx / (sy·count))),
// exact integer sums over the reduced axes, one fixed-point multiplier per
// node (count is the same for every output).
#include "runtime/kernels/helpers/reduce.h"
#include "runtime/kernels/helpers/requant.h"

namespace rknnc::runtime::kernels {
namespace {

void reduce_mean_q8(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  // noop_with_empty_axes: no axis reduced, every output averages one value.
  const std::vector<int64_t> axes = reduce_op_axes(ctx).value_or(std::vector<int64_t>{});
  int64_t count = 1;
  for (int64_t a : axes) count *= x.shape()[static_cast<size_t>(a)];
  if (count > (int64_t{1} << 23)) ctx.fail("int8 ReduceMean over {} values exceeds the 2^23 of its integer sum", count);
  const FixedMultiplier m = FixedMultiplier::from_real(static_cast<double>(ctx.qin(0).scale_at(0)) /
                                                       (static_cast<double>(ctx.qout(0).scale_at(0)) * static_cast<double>(count)));
  const int32_t zx = tensor_zero_point(ctx, 0), zy = ctx.qout(0).zero_point_at(0);
  reduce_axes<int8_t>(
      ctx, x, axes, ctx.attrs().get_int("keepdims", 1) != 0, int64_t{0},
      [zx](int64_t acc, int8_t v) { return acc + (v - zx); },
      [m, zy](int64_t acc, int64_t) { return saturate_int8(zy + m.apply(acc)); });
}

RKNNC_QUANT_KERNEL("ReduceMean", reduce_mean_q8);

}  // namespace
}  // namespace rknnc::runtime::kernels
