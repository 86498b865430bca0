// Quantised Add and Sub: y = clamp(zy + round((a - za)·sa/sy ± (b - zb)·sb/sy)),
// both terms on one shared fixed-point shift so the sum is rounded once (Sub:
// the second mantissa negated); numpy broadcasting; a fused Relu / Clip
// narrows the clamp.
#include <array>

#include "runtime/kernels/helpers/elementwise.h"
#include "runtime/kernels/helpers/requant.h"

namespace rknnc::runtime::kernels {
namespace {

// (q - z)·mantissa for every int8 q, indexed by q's byte: two loads and an add per element.
using ScaledTable = std::array<int64_t, 256>;
ScaledTable scaled_table(int32_t z, int64_t mantissa) {
  ScaledTable t;
  for (int q = -128; q < 128; ++q) t[static_cast<uint8_t>(q)] = (q - z) * mantissa;
  return t;
}

struct AddQ8 {
  ScaledTable ta, tb;
  int shift;
  int32_t zy;
  OutputClamp clamp;
  int8_t operator()(int8_t a, int8_t b) const {
    const int64_t sum = ta[static_cast<uint8_t>(a)] + tb[static_cast<uint8_t>(b)];
    return clamp(zy + FixedMultiplier::round_shift_branchless(sum, shift));
  }
};

// sign: +1 Add, -1 Sub.
void add_or_sub_q8(KernelContext& ctx, double sign) {
  const double sy = ctx.qout(0).scale_at(0);
  const SharedMultipliers m =
      SharedMultipliers::from_real({ctx.qin(0).scale_at(0) / sy, sign * ctx.qin(1).scale_at(0) / sy});
  const AddQ8 f{scaled_table(tensor_zero_point(ctx, 0), m.mantissa[0]),
                scaled_table(tensor_zero_point(ctx, 1), m.mantissa[1]), m.shift, ctx.qout(0).zero_point_at(0),
                output_clamp(ctx)};
  const ir::Tensor& a = ctx.in(0);
  const ir::Tensor& b = ctx.in(1);
  if (a.shape() != b.shape()) {
    binary<int8_t>(ctx, f);
    return;
  }
  // Same shapes (residual connections): a flat loop on local copies, which
  // the int8 stores cannot alias.
  const int8_t* pa = a.data<int8_t>();
  const int8_t* pb = b.data<int8_t>();
  int8_t* py = ctx.set_output(0, ir::DataType::Int8, a.shape()).data<int8_t>();
  ctx.pool.parallel_for(a.numel(), 8, [&](int64_t begin, int64_t end) {
    const AddQ8 g = f;
    for (int64_t i = begin; i < end; ++i) py[i] = g(pa[i], pb[i]);
  });
}

void add_q8(KernelContext& ctx) { add_or_sub_q8(ctx, 1.0); }
void sub_q8(KernelContext& ctx) { add_or_sub_q8(ctx, -1.0); }

RKNNC_QUANT_KERNEL("Add", add_q8);
RKNNC_QUANT_KERNEL("Sub", sub_q8);

}  // namespace
}  // namespace rknnc::runtime::kernels
