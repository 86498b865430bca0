#include <cstring>

#include "runtime/kernels/helpers/attrs.h"
#include "runtime/kernels/helpers/indexing.h"

namespace rknnc::runtime::kernels {
namespace {

// out[i…] = data[i… with the axis coordinate replaced by indices[i…]]; any dtype.
void gather_elements_any(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  const ir::Tensor& idx = ctx.in(1);
  const int64_t axis = normalize_axis(ctx, ctx.attrs().get_int("axis", 0), x.shape().size());
  const std::vector<int64_t> off = element_offsets(ctx, x.shape(), idx.shape(), idx, axis);
  ir::Tensor& y = ctx.set_output(0, x.dtype(), idx.shape());
  const size_t es = ir::dtype_size(x.dtype());
  const auto* src = static_cast<const std::byte*>(x.raw());
  auto* dst = static_cast<std::byte*>(y.raw());
  for (size_t i = 0; i < off.size(); ++i) std::memcpy(dst + i * es, src + static_cast<size_t>(off[i]) * es, es);
}

RKNNC_KERNEL("GatherElements", kAnyType, gather_elements_any);

}  // namespace
}  // namespace rknnc::runtime::kernels
