#include <cmath>

#include "runtime/kernels/helpers/linear_quant.h"

namespace rknnc::runtime::kernels {
namespace {

// y = saturate(round_half_even(x / scale) + zero_point), int8 or uint8 as the zero point.
template <typename T>
void quantize_into(const float* x, const LinearQuant& q, T* y, int64_t n) {
  constexpr double lo = std::numeric_limits<T>::min(), hi = std::numeric_limits<T>::max();
  for (int64_t i = 0; i < n; ++i) {
    const size_t c = q.channel(i);
    const double v = std::nearbyint(static_cast<double>(x[i]) / q.scale[c]) + q.zero_point[c];
    y[i] = static_cast<T>(std::isnan(v) ? q.zero_point[c] : std::clamp(v, lo, hi));
  }
}

void quantize_linear_f32(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  const LinearQuant q = linear_quant(ctx);
  ir::Tensor& y = ctx.set_output(0, q.zero_point_type, x.shape());
  if (q.zero_point_type == ir::DataType::Int8)
    quantize_into(x.data<float>(), q, y.data<int8_t>(), x.numel());
  else if (q.zero_point_type == ir::DataType::UInt8)
    quantize_into(x.data<float>(), q, y.data<uint8_t>(), x.numel());
  else
    ctx.fail("zero point type {} is not supported (int8 or uint8)", ir::dtype_name(q.zero_point_type));
}

RKNNC_KERNEL("QuantizeLinear", ir::DataType::Float32, quantize_linear_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
