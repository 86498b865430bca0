// Quantised Softmax along one axis (opset 13), integer only: with d = max - x
// (0..255 on x's scale), e = E[d] = round(exp(-d·sx)·2^20) from a 256-entry
// table built once per node, S = Σ e (exact int64), p = round(e·2^30 / S)
// (integer division, the probability on 30 fraction bits), then
// y = sat(zy + requant(p, 2^-30 / sy)). The table's 2^-21 relative error keeps
// y within a rounding tie of QuantizeLinear(softmax(DequantizeLinear(x))).
#include <array>
#include <cmath>

#include "runtime/kernels/helpers/attrs.h"
#include "runtime/kernels/helpers/requant.h"

namespace rknnc::runtime::kernels {
namespace {

constexpr int kExpBits = 20, kProbBits = 30;

std::array<int64_t, 256> exp_table(double sx) {
  std::array<int64_t, 256> t{};
  for (int d = 0; d < 256; ++d) t[static_cast<size_t>(d)] = std::llround(std::ldexp(std::exp(-d * sx), kExpBits));
  return t;
}

void softmax_q8(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  (void)tensor_zero_point(ctx, 0);  // per tensor; x - max does not depend on it
  const int64_t axis = normalize_axis(ctx, ctx.attrs().get_int("axis", -1), x.shape().size());
  const AxisSplit s = split_at_axis(x.shape(), axis);
  const std::array<int64_t, 256> table = exp_table(ctx.qin(0).scale_at(0));
  const FixedMultiplier m = FixedMultiplier::from_real(std::ldexp(1.0, -kProbBits) / ctx.qout(0).scale_at(0));
  const int32_t zy = ctx.qout(0).zero_point_at(0);
  const int8_t* src = x.data<int8_t>();
  int8_t* dst = ctx.set_output(0, ir::DataType::Int8, x.shape()).data<int8_t>();
  ctx.pool.parallel_for(s.outer * s.inner, s.dim * 4, [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) {
      const int64_t base = (r / s.inner) * s.dim * s.inner + r % s.inner;
      int mx = -128;
      for (int64_t i = 0; i < s.dim; ++i) mx = std::max<int>(mx, src[base + i * s.inner]);
      int64_t sum = 0;
      for (int64_t i = 0; i < s.dim; ++i) sum += table[static_cast<size_t>(mx - src[base + i * s.inner])];
      for (int64_t i = 0; i < s.dim; ++i) {
        const int64_t p = ((table[static_cast<size_t>(mx - src[base + i * s.inner])] << kProbBits) + sum / 2) / sum;
        dst[base + i * s.inner] = saturate_int8(zy + m.apply(p));
      }
    }
  });
}

RKNNC_QUANT_KERNEL("Softmax", softmax_q8);

}  // namespace
}  // namespace rknnc::runtime::kernels
