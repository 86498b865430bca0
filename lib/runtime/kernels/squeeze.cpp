#include <algorithm>

#include "runtime/kernels/helpers/attrs.h"

namespace rknnc::runtime::kernels {
namespace {

// Squeeze(data, axes?): without axes every size-1 dim goes.
void squeeze_any(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  const auto& shape = x.shape();
  const auto given = int_input(ctx, 1);
  std::vector<int64_t> axes = given ? normalize_axes(ctx, *given, shape.size()) : std::vector<int64_t>{};
  ir::Shape out;
  for (size_t d = 0; d < shape.size(); ++d) {
    const bool listed = std::find(axes.begin(), axes.end(), static_cast<int64_t>(d)) != axes.end();
    if (listed && shape[d] != 1) ctx.fail("cannot squeeze axis {} of size {}", d, shape[d]);
    if (listed || (!given && shape[d] == 1)) continue;
    out.push_back(shape[d]);
  }
  ctx.outputs[0] = x.reshaped(out);
}

RKNNC_KERNEL("Squeeze", kAnyType, squeeze_any);

}  // namespace
}  // namespace rknnc::runtime::kernels
