#include "runtime/kernels/helpers/plain_kernel.h"

namespace rknnc::runtime::kernels {

std::vector<ir::Tensor> run_plain_kernel(const KernelContext& ctx, const std::vector<const ir::Tensor*>& inputs,
                                         ir::DataType dtype) {
  KernelFn fn = KernelRegistry::instance().find(ctx.node.op_type, dtype);
  if (!fn) ctx.fail("no {} kernel to build the int8 version on", ir::dtype_name(dtype));
  KernelContext plain{ctx.node, inputs, std::vector<ir::Tensor>(ctx.outputs.size()), ctx.pool};
  fn(plain);
  return std::move(plain.outputs);
}

}  // namespace rknnc::runtime::kernels
