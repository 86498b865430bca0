#include <algorithm>
#include <cmath>
#include <limits>

#include "runtime/kernels/helpers/linear_quant.h"

namespace rknnc::runtime::kernels {
namespace {

// round_half_even(v) under the default rounding mode, as std::nearbyint, without
// a libm call per element (the baseline x86-64 build has no roundsd): adding
// and subtracting 1.5 * 2^52 leaves v rounded to an integer for |v| < 2^51;
// larger doubles are integers already. NaN stays NaN.
inline double round_half_even(double v) {
  constexpr double kShift = 6755399441055744.0;
  return std::fabs(v) < 2251799813685248.0 ? (v + kShift) - kShift : v;
}

// y = saturate(round_half_even(x / scale) + zero_point), int8 or uint8 as the
// zero point; a run of `inner` elements shares one channel.
template <typename T>
void quantize_run(const float* x, double scale, int32_t zero_point, T* y, int64_t n) {
  constexpr double lo = std::numeric_limits<T>::min(), hi = std::numeric_limits<T>::max();
  for (int64_t i = 0; i < n; ++i) {
    const double v = round_half_even(static_cast<double>(x[i]) / scale) + zero_point;
    y[i] = static_cast<T>(std::isnan(v) ? zero_point : std::clamp(v, lo, hi));
  }
}

template <typename T>
void quantize_into(const float* x, const LinearQuant& q, T* y, int64_t n, ThreadPool& pool) {
  if (q.scale.size() == 1) {
    pool.parallel_for(n, 1, [&](int64_t b, int64_t e) {
      quantize_run(x + b, static_cast<double>(q.scale[0]), q.zero_point[0], y + b, e - b);
    });
    return;
  }
  const int64_t inner = q.split.inner, runs = inner > 0 ? n / inner : 0;
  pool.parallel_for(runs, inner, [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) {
      const size_t c = q.channel(r * inner);
      quantize_run(x + r * inner, static_cast<double>(q.scale[c]), q.zero_point[c], y + r * inner, inner);
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
