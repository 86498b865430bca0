// Quantised Add: y = clamp(zy + round((a - za)·sa/sy + (b - zb)·sb/sy)), both
// terms on one shared fixed-point shift so the sum is rounded once; numpy
// broadcasting; a fused Relu / Clip narrows the clamp.
#include "runtime/kernels/helpers/elementwise.h"
#include "runtime/kernels/helpers/requant.h"

namespace rknnc::runtime::kernels {
namespace {

void add_q8(KernelContext& ctx) {
  const double sy = ctx.qout(0).scale_at(0);
  const SharedMultipliers m = SharedMultipliers::from_real({ctx.qin(0).scale_at(0) / sy, ctx.qin(1).scale_at(0) / sy});
  const int32_t za = tensor_zero_point(ctx, 0), zb = tensor_zero_point(ctx, 1), zy = ctx.qout(0).zero_point_at(0);
  const OutputClamp clamp = output_clamp(ctx);
  binary<int8_t>(ctx, [&](int8_t a, int8_t b) {
    const int64_t sum = (a - za) * m.mantissa[0] + (b - zb) * m.mantissa[1];
    return clamp(zy + FixedMultiplier::round_shift(sum, m.shift));
  });
}

RKNNC_QUANT_KERNEL("Add", add_q8);

}  // namespace
}  // namespace rknnc::runtime::kernels
