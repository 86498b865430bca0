#include "runtime/kernels/helpers/softmax.h"

namespace rknnc::runtime::kernels {
namespace {

void log_softmax_f32(KernelContext& ctx) { softmax_along_axis(ctx, true); }

RKNNC_KERNEL("LogSoftmax", ir::DataType::Float32, log_softmax_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
