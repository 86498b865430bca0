#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

void not_bool(KernelContext& ctx) {
  unary<bool>(ctx, [](bool x) { return !x; });
}

RKNNC_KERNEL("Not", ir::DataType::Bool, not_bool);

}  // namespace
}  // namespace rknnc::runtime::kernels
