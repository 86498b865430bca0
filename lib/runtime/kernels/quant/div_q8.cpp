// Quantised Div: y = sat(zy + round((a - za) · sa / (sb · (b - zb) · sy))).
// The divisor takes 256 values, so the quotient's multiplier is a 256-entry
// table of signed fixed-point multipliers indexed by b's byte, built once per
// node; the data path is one integer product and shift per element. b = zb
// (division by zero) gives 127 or -128 by the sign of a - za (QuantizeLinear
// of ±inf), and zy for 0 / 0.
#include <array>

#include "runtime/kernels/helpers/elementwise.h"
#include "runtime/kernels/helpers/requant.h"

namespace rknnc::runtime::kernels {
namespace {

struct Reciprocal {
  int64_t mantissa = 0;  // signed: negative for b < zb
  int shift = 0;
};

std::array<Reciprocal, 256> reciprocal_table(double ratio, int32_t zb) {
  std::array<Reciprocal, 256> t{};
  for (int q = -128; q < 128; ++q) {
    if (q == zb) continue;
    const FixedMultiplier m = FixedMultiplier::from_real(ratio / std::abs(q - zb));
    t[static_cast<uint8_t>(q)] = {q < zb ? -m.mantissa : m.mantissa, m.shift};
  }
  return t;
}

void div_q8(KernelContext& ctx) {
  const double ratio =
      static_cast<double>(ctx.qin(0).scale_at(0)) / (static_cast<double>(ctx.qin(1).scale_at(0)) * ctx.qout(0).scale_at(0));
  const int32_t za = tensor_zero_point(ctx, 0), zb = tensor_zero_point(ctx, 1), zy = ctx.qout(0).zero_point_at(0);
  const std::array<Reciprocal, 256> table = reciprocal_table(ratio, zb);
  binary<int8_t>(ctx, [&table, za, zb, zy](int8_t a, int8_t b) -> int8_t {
    const int64_t num = a - za;
    if (b == zb) return num == 0 ? static_cast<int8_t>(zy) : num > 0 ? int8_t{127} : int8_t{-128};
    const Reciprocal& r = table[static_cast<uint8_t>(b)];
    return saturate_int8(zy + FixedMultiplier::round_shift(num * r.mantissa, r.shift));
  });
}

RKNNC_QUANT_KERNEL("Div", div_q8);

}  // namespace
}  // namespace rknnc::runtime::kernels
