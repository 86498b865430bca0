#pragma once
// Quantised kernels that reuse a plain kernel on int8 bytes (shape ops,
// MaxPool, nearest Resize, Concat after requantising its inputs) or an fp32
// kernel to build a lookup table.
#include "runtime/kernel.h"

namespace rknnc::runtime::kernels {

// Runs the node's non-quantised kernel for `dtype` on `inputs`; returns its outputs.
std::vector<ir::Tensor> run_plain_kernel(const KernelContext& ctx, const std::vector<const ir::Tensor*>& inputs,
                                         ir::DataType dtype);

}  // namespace rknnc::runtime::kernels
