// Quantised Mul: y = sat(zy + requant((a - za)(b - zb), sa·sb/sy)); numpy
// broadcasting (SiLU's x·Sigmoid(x), attention-style gating).
#include "runtime/kernels/helpers/elementwise.h"
#include "runtime/kernels/helpers/requant.h"

namespace rknnc::runtime::kernels {
namespace {

void mul_q8(KernelContext& ctx) {
  const FixedMultiplier m = FixedMultiplier::from_real(static_cast<double>(ctx.qin(0).scale_at(0)) *
                                                       ctx.qin(1).scale_at(0) / ctx.qout(0).scale_at(0));
  const int32_t za = tensor_zero_point(ctx, 0), zb = tensor_zero_point(ctx, 1), zy = ctx.qout(0).zero_point_at(0);
  // m.apply with the branch-free rounding (same results; signs are data dependent), on captured copies.
  const int64_t mantissa = m.mantissa;
  const int shift = m.shift;
  binary<int8_t>(ctx, [=](int8_t a, int8_t b) {
    return saturate_int8(zy + FixedMultiplier::round_shift_branchless(int64_t{(a - za) * (b - zb)} * mantissa, shift));
  });
}

RKNNC_QUANT_KERNEL("Mul", mul_q8);

}  // namespace
}  // namespace rknnc::runtime::kernels
