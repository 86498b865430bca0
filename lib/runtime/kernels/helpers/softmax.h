#pragma once
#include "runtime/kernel.h"

namespace rknnc::runtime::kernels {
// Softmax / LogSoftmax (opset 13: along one axis), numerically stable.
void softmax_along_axis(KernelContext& ctx, bool log);
}  // namespace rknnc::runtime::kernels
