#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

void xor_bool(KernelContext& ctx) {
  binary<bool>(ctx, [](bool a, bool b) { return a != b; });
}

RKNNC_KERNEL("Xor", ir::DataType::Bool, xor_bool);

}  // namespace
}  // namespace rknnc::runtime::kernels
