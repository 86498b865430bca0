#include <limits>

#include "ir/quant_params.h"
#include "runtime/kernels/helpers/linear_quant.h"

namespace rknnc::runtime::kernels {
namespace {

// y = quantize_real(x, scale, zero_point) saturated to T (int8 or uint8, as
// the zero point); a run of elements shares one channel.
template <typename T>
void quantize_run(const float* x, float scale, int32_t zero_point, T* y, int64_t n) {
  constexpr int32_t lo = std::numeric_limits<T>::min(), hi = std::numeric_limits<T>::max();
  for (int64_t i = 0; i < n; ++i) y[i] = static_cast<T>(ir::quantize_real(x[i], scale, zero_point, lo, hi));
}

template <typename T>
void quantize_into(const float* x, const LinearQuant& q, T* y, int64_t n, ThreadPool& pool) {
  if (q.scale.size() == 1) {
    pool.parallel_for(n, 1, [&](int64_t b, int64_t e) {
      quantize_run(x + b, q.scale[0], q.zero_point[0], y + b, e - b);
    });
    return;
  }
  const int64_t inner = q.split.inner, runs = inner > 0 ? n / inner : 0;
  pool.parallel_for(runs, inner, [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) {
      const size_t c = q.channel(r * inner);
      quantize_run(x + r * inner, q.scale[c], q.zero_point[c], y + r * inner, inner);
    }
  });
}

void quantize_linear_f32(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  const LinearQuant q = linear_quant(ctx);
  ir::Tensor& y = ctx.set_output_unfilled(0, q.zero_point_type, x.shape());
  if (q.zero_point_type == ir::DataType::Int8)
    quantize_into(x.data<float>(), q, y.data<int8_t>(), x.numel(), ctx.pool);
  else if (q.zero_point_type == ir::DataType::UInt8)
    quantize_into(x.data<float>(), q, y.data<uint8_t>(), x.numel(), ctx.pool);
  else
    ctx.fail("zero point type {} is not supported (int8 or uint8)", ir::dtype_name(q.zero_point_type));
}

RKNNC_KERNEL("QuantizeLinear", ir::DataType::Float32, quantize_linear_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
