#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/elementwise.h"
#include "runtime/kernels/helpers/fused_activation.h"

namespace rknnc::runtime::kernels {
namespace {

// A fused activation (passes/fuse_activation.cpp) follows each piece of a
// float sum; on other types it is an error naming the node.
template <typename T>
void add_kernel(KernelContext& ctx) {
  const auto add = [](T a, T b) { return static_cast<T>(a + b); };
  if constexpr (std::is_same_v<T, float>) {
    const FusedActivation act = fused_activation_of(ctx.attrs());
    binary<T>(ctx, add, &act);
  } else {
    binary<T>(ctx, add);
    apply_fused_activation(ctx);
  }
}

RKNNC_TYPED_KERNELS("Add", add_kernel, RKNNC_NUMERIC_TYPES);

}  // namespace
}  // namespace rknnc::runtime::kernels
