#include "runtime/kernels/helpers/softmax.h"

namespace rknnc::runtime::kernels {
namespace {

void softmax_f32(KernelContext& ctx) { softmax_along_axis(ctx, false); }

RKNNC_KERNEL("Softmax", ir::DataType::Float32, softmax_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
