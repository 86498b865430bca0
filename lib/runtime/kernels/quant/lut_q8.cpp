// Quantised element-wise functions as a 256-entry lookup table: the table is
// built once per node by running the op's fp32 kernel on the 256 dequantised
// int8 values and quantising the results on the output's scale (round half
// to even, as QuantizeLinear); the int8 data path is then one table load per
// element. Any further inputs (Clip's min / max) are passed to the fp32 kernel.
#include <cmath>

#include "runtime/kernels/helpers/plain_kernel.h"
#include "runtime/kernels/helpers/requant.h"

namespace rknnc::runtime::kernels {
namespace {

std::vector<int8_t> build_table(const KernelContext& ctx) {
  const ir::QuantParams& qx = ctx.qin(0);
  const ir::QuantParams& qy = ctx.qout(0);
  ir::Tensor grid(ir::DataType::Float32, {256});
  float* g = grid.data<float>();
  for (int v = -128; v < 128; ++v) g[v + 128] = static_cast<float>(v - qx.zero_point_at(0)) * qx.scale_at(0);
  std::vector<const ir::Tensor*> args = ctx.inputs;
  args[0] = &grid;
  const std::vector<ir::Tensor> out = run_plain_kernel(ctx, args, ir::DataType::Float32);
  const float* r = out.at(0).data<float>();
  std::vector<int8_t> table(256);
  for (int i = 0; i < 256; ++i) table[i] = static_cast<int8_t>(ir::quantize_real(r[i], qy.scale_at(0), qy.zero_point_at(0)));
  return table;
}

void lut_q8(KernelContext& ctx) {
  (void)tensor_zero_point(ctx, 0);  // per tensor
  const std::vector<int8_t> table = build_table(ctx);
  const ir::Tensor& x = ctx.in(0);
  ir::Tensor& y = ctx.set_output_unfilled(0, ir::DataType::Int8, x.shape());
  lookup_bytes(ctx.pool, table.data(), x.data<int8_t>(), y.data<int8_t>(), x.numel());
}

RKNNC_QUANT_KERNEL("Sigmoid", lut_q8);
RKNNC_QUANT_KERNEL("Tanh", lut_q8);
RKNNC_QUANT_KERNEL("Relu", lut_q8);
RKNNC_QUANT_KERNEL("LeakyRelu", lut_q8);
RKNNC_QUANT_KERNEL("HardSigmoid", lut_q8);
RKNNC_QUANT_KERNEL("HardSwish", lut_q8);
RKNNC_QUANT_KERNEL("Clip", lut_q8);
RKNNC_QUANT_KERNEL("Exp", lut_q8);
RKNNC_QUANT_KERNEL("Erf", lut_q8);
RKNNC_QUANT_KERNEL("Abs", lut_q8);
RKNNC_QUANT_KERNEL("Neg", lut_q8);
RKNNC_QUANT_KERNEL("Elu", lut_q8);
RKNNC_QUANT_KERNEL("Selu", lut_q8);
RKNNC_QUANT_KERNEL("Celu", lut_q8);
RKNNC_QUANT_KERNEL("Softplus", lut_q8);
RKNNC_QUANT_KERNEL("Mish", lut_q8);
RKNNC_QUANT_KERNEL("Gelu", lut_q8);
RKNNC_QUANT_KERNEL("ThresholdedRelu", lut_q8);

}  // namespace
}  // namespace rknnc::runtime::kernels
