// Quantised Pad: the output keeps the input's scale and zero point, so the
// plain byte kernel pads with constant_value quantised on that scale
// (QuantizeLinear's rounding; absent: 0, i.e. the zero point, not the byte 0).
// reflect and edge only copy input values.
#include "runtime/kernels/helpers/plain_kernel.h"

namespace rknnc::runtime::kernels {
namespace {

void pad_q8(KernelContext& ctx) {
  const ir::QuantParams& q = ctx.qin(0);
  if (q.per_channel() || ctx.qout(0) != q) ctx.fail("output must keep the input's per-tensor scale and zero point");
  const ir::Tensor* given = ctx.opt(2);
  if (given && given->numel() > 1) ctx.fail("constant_value must be a scalar");
  const float value = given && given->numel() == 1 ? static_cast<float>(given->get_as_double(0)) : 0.f;
  const ir::Tensor pad_value =
      ir::Tensor::from<int8_t>({}, {static_cast<int8_t>(ir::quantize_real(value, q.scale_at(0), q.zero_point_at(0)))});
  std::vector<const ir::Tensor*> args = ctx.inputs;
  args.resize(std::max<size_t>(args.size(), 3), nullptr);
  args[2] = &pad_value;
  ctx.outputs = run_plain_kernel(ctx, args, ir::DataType::Int8);
}

RKNNC_QUANT_KERNEL("Pad", pad_q8);

}  // namespace
}  // namespace rknnc::runtime::kernels
