#include "runtime/kernels/helpers/reduce.h"
#include "runtime/kernels/helpers/window.h"

namespace rknnc::runtime::kernels {
namespace {

void global_average_pool_f32(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  (void)spatial_dims(ctx, x.shape());  // validates the rank
  std::vector<int64_t> axes;
  for (size_t d = 2; d < x.shape().size(); ++d) axes.push_back(static_cast<int64_t>(d));
  reduce_axes<float>(ctx, x, axes, true, 0.0f, [](float a, float v) { return a + v; },
                     [](float a, int64_t n) { return n ? a / static_cast<float>(n) : 0.0f; });
}

RKNNC_KERNEL("GlobalAveragePool", ir::DataType::Float32, global_average_pool_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
