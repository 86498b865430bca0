#include <algorithm>
#include <limits>

#include "runtime/kernels/helpers/attrs.h"
#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

// Clip(x, min?, max?) (opset 11+; the frontend moves older attributes to inputs).
template <typename T>
void clip_kernel(KernelContext& ctx) {
  const T lo = ctx.opt(1) && ctx.in(1).numel() ? ctx.in(1).data<T>()[0] : std::numeric_limits<T>::lowest();
  const T hi = ctx.opt(2) && ctx.in(2).numel() ? ctx.in(2).data<T>()[0] : std::numeric_limits<T>::max();
  unary<T>(ctx, [lo, hi](T x) { return x < lo ? lo : (x > hi ? hi : x); });
}

RKNNC_TYPED_KERNELS("Clip", clip_kernel, RKNNC_NUMERIC_TYPES);

}  // namespace
}  // namespace rknnc::runtime::kernels
