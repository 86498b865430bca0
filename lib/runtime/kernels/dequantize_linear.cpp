#include "ir/convert_float.h"
#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/linear_quant.h"

namespace rknnc::runtime::kernels {
namespace {

// y = (x - zero_point) · scale in the scale's type (float32, or float16 as
// ONNX opset 19 allows: weight-only int8 models of a float16 graph).
template <typename T>
void dequantize_linear_kernel(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  const LinearQuant q = linear_quant(ctx);
  ir::Tensor y = ir::Tensor::unfilled(ir::DataType::Float32, x.shape());
  const T* px = x.data<T>();
  float* py = y.data<float>();
  ctx.pool.parallel_for(x.numel(), 4, [&](int64_t b, int64_t e) {  // a network's outputs: on every core
    for (int64_t i = b; i < e; ++i) {
      const size_t c = q.channel(i);
      py[i] = static_cast<float>(static_cast<int64_t>(px[i]) - q.zero_point[c]) * q.scale[c];
    }
  });
  ctx.outputs[0] = ir::convert_float(y, ctx.in(1).dtype() == ir::DataType::Float16 ? ir::DataType::Float16
                                                                                   : ir::DataType::Float32);
}

RKNNC_TYPED_KERNELS("DequantizeLinear", dequantize_linear_kernel, int8_t, uint8_t, int32_t);

}  // namespace
}  // namespace rknnc::runtime::kernels
