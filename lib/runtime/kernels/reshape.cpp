#include "runtime/kernels/helpers/attrs.h"

namespace rknnc::runtime::kernels {
namespace {

// Reshape(data, shape): 0 copies the input dim (unless allowzero), -1 is inferred.
void reshape_any(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  const auto spec = int_input(ctx, 1);
  if (!spec) ctx.fail("the shape input is required");
  const bool allowzero = ctx.attrs().get_int("allowzero", 0) != 0;
  ir::Shape out = *spec;
  int64_t infer = -1, known = 1;
  for (size_t d = 0; d < out.size(); ++d) {
    if (out[d] == 0 && !allowzero) {
      if (d >= x.shape().size()) ctx.fail("shape has 0 at dim {} but the input has rank {}", d, x.shape().size());
      out[d] = x.shape()[d];
    }
    if (out[d] == -1) {
      if (infer >= 0) ctx.fail("shape {} has more than one -1", ir::shape_str(*spec));
      infer = static_cast<int64_t>(d);
    } else if (out[d] < 0) {
      ctx.fail("shape {} has a negative dim", ir::shape_str(*spec));
    } else {
      known *= out[d];
    }
  }
  if (infer >= 0) {
    if (known == 0 || x.numel() % known != 0)
      ctx.fail("cannot infer -1 in {} for input shape {}", ir::shape_str(*spec), ir::shape_str(x.shape()));
    out[static_cast<size_t>(infer)] = x.numel() / known;
  }
  if (ir::shape_numel(out) != x.numel())
    ctx.fail("cannot reshape {} to {}", ir::shape_str(x.shape()), ir::shape_str(out));
  ctx.outputs[0] = x.reshaped(out);
}

RKNNC_KERNEL("Reshape", kAnyType, reshape_any);

}  // namespace
}  // namespace rknnc::runtime::kernels
