#include <algorithm>

#include "runtime/kernels/helpers/attrs.h"

namespace rknnc::runtime::kernels {
namespace {

// Unsqueeze(data, axes): axes index the output rank.
void unsqueeze_any(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  const auto given = int_input(ctx, 1);
  if (!given) ctx.fail("the axes input is required");
  const size_t rank = x.shape().size() + given->size();
  const auto axes = normalize_axes(ctx, *given, rank);
  ir::Shape out;
  size_t next = 0;
  for (size_t d = 0; d < rank; ++d) {
    if (std::find(axes.begin(), axes.end(), static_cast<int64_t>(d)) != axes.end()) out.push_back(1);
    else out.push_back(x.shape()[next++]);
  }
  ctx.outputs[0] = x.reshaped(out);
}

RKNNC_KERNEL("Unsqueeze", kAnyType, unsqueeze_any);

}  // namespace
}  // namespace rknnc::runtime::kernels
