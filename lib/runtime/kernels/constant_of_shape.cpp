#include <cstring>

#include "runtime/kernels/helpers/attrs.h"

namespace rknnc::runtime::kernels {
namespace {

// ConstantOfShape(shape; value = float 0): fills with the value tensor's single element.
void constant_of_shape_any(KernelContext& ctx) {
  const auto shape = int_input(ctx, 0);
  if (!shape) ctx.fail("the shape input is required");
  ir::Tensor value = ir::Tensor::from<float>({1}, {0.0f});
  if (const ir::Tensor* v = ctx.attrs().get_tensor("value")) value = *v;
  if (value.numel() != 1) ctx.fail("value must hold one element, got {}", value.numel());
  ir::Tensor& y = ctx.set_output(0, value.dtype(), *shape);
  const size_t es = ir::dtype_size(value.dtype());
  auto* dst = static_cast<std::byte*>(y.raw());
  for (int64_t i = 0; i < y.numel(); ++i) std::memcpy(dst + static_cast<size_t>(i) * es, value.raw(), es);
}

RKNNC_KERNEL("ConstantOfShape", kAnyType, constant_of_shape_any);

}  // namespace
}  // namespace rknnc::runtime::kernels
