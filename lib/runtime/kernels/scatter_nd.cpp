#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/indexing.h"

namespace rknnc::runtime::kernels {
namespace {

// out = data; each slice addressed by indices [..., k] gets its row of
// updates (or is combined with it by `reduction`), in index order.
template <typename T>
void scatter_nd_kernel(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  const ir::Tensor& idx = ctx.in(1);
  const ir::Tensor& upd = ctx.in(2);
  const SliceOffsets s = nd_offsets(ctx, x.shape(), idx, 0);
  if (upd.numel() != static_cast<int64_t>(s.offsets.size()) * s.slice)
    ctx.fail("updates shape {} does not match indices {} into data {}", ir::shape_str(upd.shape()),
             ir::shape_str(idx.shape()), ir::shape_str(x.shape()));
  const Reduction red = read_reduction(ctx);
  ir::Tensor& y = ctx.outputs[0] = x.clone();
  T* dst = y.data<T>();
  const T* u = upd.data<T>();
  for (size_t i = 0; i < s.offsets.size(); ++i)
    for (int64_t j = 0; j < s.slice; ++j) {
      T& v = dst[s.offsets[i] + j];
      v = reduce_update(red, v, u[static_cast<int64_t>(i) * s.slice + j]);
    }
}

RKNNC_TYPED_KERNELS("ScatterND", scatter_nd_kernel, RKNNC_NUMERIC_TYPES);

}  // namespace
}  // namespace rknnc::runtime::kernels
