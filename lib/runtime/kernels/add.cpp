#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/elementwise.h"
#include "runtime/kernels/helpers/fused_activation.h"

namespace rknnc::runtime::kernels {
namespace {

template <typename T>
void add_kernel(KernelContext& ctx) {
  binary<T>(ctx, [](T a, T b) { return static_cast<T>(a + b); });
  apply_fused_activation(ctx);  // set by passes/fuse_activation.cpp
}

RKNNC_TYPED_KERNELS("Add", add_kernel, RKNNC_NUMERIC_TYPES);

}  // namespace
}  // namespace rknnc::runtime::kernels
