#include "runtime/kernel.h"

namespace rknnc::runtime::kernels {
namespace {

// Shares the input's bytes (tensors are immutable once produced).
void identity_any(KernelContext& ctx) { ctx.outputs[0] = ctx.in(0); }

RKNNC_KERNEL("Identity", kAnyType, identity_any);

}  // namespace
}  // namespace rknnc::runtime::kernels
