#include <limits>

#include "runtime/kernels/helpers/reduce.h"
#include "runtime/kernels/helpers/window.h"

namespace rknnc::runtime::kernels {
namespace {

void global_max_pool_f32(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  (void)spatial_dims(ctx, x.shape());  // validates the rank
  std::vector<int64_t> axes;
  for (size_t d = 2; d < x.shape().size(); ++d) axes.push_back(static_cast<int64_t>(d));
  reduce_axes<float>(ctx, x, axes, true, -std::numeric_limits<float>::infinity(),
                     [](float a, float v) { return v > a ? v : a; }, [](float a, int64_t) { return a; });
}

RKNNC_KERNEL("GlobalMaxPool", ir::DataType::Float32, global_max_pool_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
