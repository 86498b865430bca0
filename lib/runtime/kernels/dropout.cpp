#include "runtime/kernels/helpers/attrs.h"

namespace rknnc::runtime::kernels {
namespace {

// Inference Dropout: y = x, optional mask all true. Training mode with a
// non-zero ratio is random and not reproducible, so it is rejected.
void dropout_any(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  const double ratio = scalar_input(ctx, 1).value_or(ctx.attrs().get_float("ratio", 0.5f));
  const bool training = scalar_input(ctx, 2).value_or(0.0) != 0.0;
  if (training && ratio != 0.0)
    ctx.fail("training_mode with ratio {} is random; export the model in eval mode", ratio);
  ctx.outputs[0] = x;
  if (ctx.outputs.size() > 1 && !ctx.node.outputs[1].empty()) {
    ir::Tensor& mask = ctx.set_output(1, ir::DataType::Bool, x.shape());
    std::fill_n(mask.data<bool>(), mask.numel(), true);
  }
}

RKNNC_KERNEL("Dropout", kAnyType, dropout_any);

}  // namespace
}  // namespace rknnc::runtime::kernels
