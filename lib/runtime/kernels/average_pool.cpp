#include "runtime/kernels/helpers/pool.h"

namespace rknnc::runtime::kernels {
namespace {

// count_include_pad counts taps in the explicit padding, never those a
// ceil_mode window hangs past it.
void average_pool_f32(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  const bool include_pad = ctx.attrs().get_int("count_include_pad", 0) != 0;
  const Window w = sliding_window(ctx, spatial_dims(ctx, x.shape()), ctx.attrs().get_ints("kernel_shape"), true);
  ir::Tensor& y = ctx.set_output(0, x.dtype(), window_output_shape(x.shape()[0], x.shape()[1], w));
  pool_windows<float>(ctx, x, w, y, [include_pad](const float* plane, const std::vector<int64_t>& offs, int64_t padded) {
    float s = 0;
    for (int64_t o : offs) s += plane[o];
    const auto count = include_pad ? padded : static_cast<int64_t>(offs.size());
    return count > 0 ? s / static_cast<float>(count) : 0.0f;
  });
}

RKNNC_KERNEL("AveragePool", ir::DataType::Float32, average_pool_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
