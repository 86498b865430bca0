// Quantised AveragePool / GlobalAveragePool: y = sat(zy + requant(Σ (x - zx),
// sx / (sy·count))) with one fixed-point multiplier per possible tap count.
#include "runtime/kernels/helpers/pool.h"
#include "runtime/kernels/helpers/requant.h"

namespace rknnc::runtime::kernels {
namespace {

// multiplier[count] = sx / (sy · count) for count in 1..max_count.
std::vector<FixedMultiplier> per_count_multipliers(const KernelContext& ctx, int64_t max_count) {
  const double ratio = static_cast<double>(ctx.qin(0).scale_at(0)) / ctx.qout(0).scale_at(0);
  std::vector<FixedMultiplier> m(static_cast<size_t>(max_count + 1));
  for (int64_t c = 1; c <= max_count; ++c) m[c] = FixedMultiplier::from_real(ratio / static_cast<double>(c));
  return m;
}

void average_pool_q8(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  const bool include_pad = ctx.attrs().get_int("count_include_pad", 0) != 0;
  const Window w = sliding_window(ctx, spatial_dims(ctx, x.shape()), ctx.attrs().get_ints("kernel_shape"), true);
  ir::Tensor& y = ctx.set_output(0, ir::DataType::Int8, window_output_shape(x.shape()[0], x.shape()[1], w));
  const auto mult = per_count_multipliers(ctx, w.kernel_size());
  const int32_t zx = tensor_zero_point(ctx, 0), zy = ctx.qout(0).zero_point_at(0);
  pool_windows<int8_t>(ctx, x, w, y, [&](const int8_t* plane, const std::vector<int64_t>& offs, int64_t padded) {
    int64_t sum = 0;
    for (int64_t o : offs) sum += plane[o] - zx;  // padding taps are real zeros
    const int64_t count = include_pad ? padded : static_cast<int64_t>(offs.size());
    return count > 0 ? saturate_int8(zy + mult[count].apply(sum)) : static_cast<int8_t>(zy);
  });
}

void global_average_pool_q8(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  (void)spatial_dims(ctx, x.shape());  // validates the rank
  ir::Shape shape = x.shape();
  int64_t plane = 1;
  for (size_t d = 2; d < shape.size(); ++d) plane *= shape[d], shape[d] = 1;
  const int64_t planes = shape[0] * shape[1];
  int8_t* y = ctx.set_output(0, ir::DataType::Int8, shape).data<int8_t>();
  const int8_t* px = x.data<int8_t>();
  const FixedMultiplier m = per_count_multipliers(ctx, plane).back();
  const int32_t zx = tensor_zero_point(ctx, 0), zy = ctx.qout(0).zero_point_at(0);
  for (int64_t p = 0; p < planes; ++p) {
    int64_t sum = 0;
    for (int64_t i = 0; i < plane; ++i) sum += px[p * plane + i] - zx;
    y[p] = plane > 0 ? saturate_int8(zy + m.apply(sum)) : static_cast<int8_t>(zy);
  }
}

RKNNC_QUANT_KERNEL("AveragePool", average_pool_q8);
RKNNC_QUANT_KERNEL("GlobalAveragePool", global_average_pool_q8);

}  // namespace
}  // namespace rknnc::runtime::kernels
