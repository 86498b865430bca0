#include "runtime/kernels/helpers/attrs.h"
#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/indexing.h"

namespace rknnc::runtime::kernels {
namespace {

// out = data; out[i… with the axis coordinate replaced by indices[i…]] =
// updates[i…] (or combined by `reduction`), in index order. Scatter (opset
// 9–10) is the same op without reduction.
template <typename T>
void scatter_elements_kernel(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  const ir::Tensor& idx = ctx.in(1);
  const ir::Tensor& upd = ctx.in(2);
  if (upd.shape() != idx.shape())
    ctx.fail("updates shape {} differs from indices shape {}", ir::shape_str(upd.shape()), ir::shape_str(idx.shape()));
  const int64_t axis = normalize_axis(ctx, ctx.attrs().get_int("axis", 0), x.shape().size());
  const Reduction red = read_reduction(ctx);
  const std::vector<int64_t> off = element_offsets(ctx, x.shape(), idx.shape(), idx, axis);
  ir::Tensor& y = ctx.outputs[0] = x.clone();
  T* dst = y.data<T>();
  const T* u = upd.data<T>();
  for (size_t i = 0; i < off.size(); ++i) dst[off[i]] = reduce_update(red, dst[off[i]], u[i]);
}

RKNNC_TYPED_KERNELS("ScatterElements", scatter_elements_kernel, RKNNC_NUMERIC_TYPES);
RKNNC_TYPED_KERNELS("Scatter", scatter_elements_kernel, RKNNC_NUMERIC_TYPES);

}  // namespace
}  // namespace rknnc::runtime::kernels
