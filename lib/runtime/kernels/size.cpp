#include "runtime/kernel.h"

namespace rknnc::runtime::kernels {
namespace {

// Size(data) -> int64 scalar element count.
void size_any(KernelContext& ctx) { ctx.outputs[0] = ir::Tensor::from<int64_t>({}, {ctx.in(0).numel()}); }

RKNNC_KERNEL("Size", kAnyType, size_any);

}  // namespace
}  // namespace rknnc::runtime::kernels
