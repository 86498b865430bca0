// Ops that move or select int8 values without changing their meaning: the
// quantiser gives the output the input's scale and zero point, so the plain
// int8 kernel is exact. Checked here, since a mismatch would silently
// rescale every value.
#include "runtime/kernels/helpers/plain_kernel.h"

namespace rknnc::runtime::kernels {
namespace {

void passthrough_q8(KernelContext& ctx) {
  const ir::QuantParams& in = ctx.qin(0);
  for (size_t o = 0; o < ctx.outputs.size(); ++o)
    if (!ctx.node.outputs[o].empty() && ctx.qout(o) != in)
      ctx.fail("output {} must keep the input's scale and zero point", o);
  ctx.outputs = run_plain_kernel(ctx, ctx.inputs, ir::DataType::Int8);
}

// GlobalMaxPool picks input values; the rest only move bytes (MaxPool, Resize
// and Pad: max_pool_q8, resize_q8, pad_q8).
RKNNC_QUANT_KERNEL("Reshape", passthrough_q8);
RKNNC_QUANT_KERNEL("Flatten", passthrough_q8);
RKNNC_QUANT_KERNEL("Transpose", passthrough_q8);
RKNNC_QUANT_KERNEL("Squeeze", passthrough_q8);
RKNNC_QUANT_KERNEL("Unsqueeze", passthrough_q8);
RKNNC_QUANT_KERNEL("Identity", passthrough_q8);
RKNNC_QUANT_KERNEL("Slice", passthrough_q8);
RKNNC_QUANT_KERNEL("Split", passthrough_q8);
RKNNC_QUANT_KERNEL("Gather", passthrough_q8);
RKNNC_QUANT_KERNEL("Expand", passthrough_q8);
RKNNC_QUANT_KERNEL("Tile", passthrough_q8);
RKNNC_QUANT_KERNEL("DepthToSpace", passthrough_q8);
RKNNC_QUANT_KERNEL("SpaceToDepth", passthrough_q8);
RKNNC_QUANT_KERNEL("GlobalMaxPool", passthrough_q8);

}  // namespace
}  // namespace rknnc::runtime::kernels
