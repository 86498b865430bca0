// Quantised PRelu: y = sat(zy + requant(x - zx, sx/sy)) for x >= zx, else
// sat(zy + requant((x - zx)·(s - zs), sx·ss/sy)); the slope s is int8 per
// tensor (a constant or an activation) and broadcasts to x (numpy rules).
#include "runtime/kernels/helpers/elementwise.h"
#include "runtime/kernels/helpers/requant.h"

namespace rknnc::runtime::kernels {
namespace {

void prelu_q8(KernelContext& ctx) {
  const double sx = ctx.qin(0).scale_at(0), sy = ctx.qout(0).scale_at(0);
  const FixedMultiplier pos = FixedMultiplier::from_real(sx / sy);
  const FixedMultiplier neg = FixedMultiplier::from_real(sx * ctx.qin(1).scale_at(0) / sy);
  const int32_t zx = tensor_zero_point(ctx, 0), zs = tensor_zero_point(ctx, 1), zy = ctx.qout(0).zero_point_at(0);
  binary<int8_t>(ctx, [=](int8_t x, int8_t s) {
    const int64_t v = x - zx;
    return saturate_int8(zy + (v >= 0 ? pos.apply(v) : neg.apply(v * (s - zs))));
  });
}

RKNNC_QUANT_KERNEL("PRelu", prelu_q8);

}  // namespace
}  // namespace rknnc::runtime::kernels
