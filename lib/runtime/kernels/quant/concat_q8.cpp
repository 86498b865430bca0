// Quantised Concat: inputs on another scale or zero point than the output are
// requantised (y = sat(zy + requant(x - zx, sx/sy))), then bytes are copied.
#include "runtime/kernels/helpers/plain_kernel.h"
#include "runtime/kernels/helpers/requant.h"

namespace rknnc::runtime::kernels {
namespace {

ir::Tensor requantize(const ir::Tensor& x, const ir::QuantParams& from, const ir::QuantParams& to, ThreadPool& pool) {
  const FixedMultiplier m = FixedMultiplier::from_real(static_cast<double>(from.scale_at(0)) / to.scale_at(0));
  const int32_t zx = from.zero_point_at(0), zy = to.zero_point_at(0);
  ir::Tensor y = ir::Tensor::unfilled(ir::DataType::Int8, x.shape());
  int8_t table[256];  // the formula for every int8 value, then one lookup per element
  for (int v = -128; v < 128; ++v) table[v + 128] = saturate_int8(zy + m.apply(v - zx));
  lookup_bytes(pool, table, x.data<int8_t>(), y.data<int8_t>(), x.numel());
  return y;
}

void concat_q8(KernelContext& ctx) {
  const ir::QuantParams& out = ctx.qout(0);
  std::vector<ir::Tensor> converted(ctx.num_inputs());
  std::vector<const ir::Tensor*> args = ctx.inputs;
  for (size_t i = 0; i < args.size(); ++i) {
    (void)tensor_zero_point(ctx, i);  // per tensor
    if (ctx.qin(i) == out) continue;
    converted[i] = requantize(ctx.in(i), ctx.qin(i), out, ctx.pool);
    args[i] = &converted[i];
  }
  ctx.outputs = run_plain_kernel(ctx, args, ir::DataType::Int8);
}

RKNNC_QUANT_KERNEL("Concat", concat_q8);

}  // namespace
}  // namespace rknnc::runtime::kernels
