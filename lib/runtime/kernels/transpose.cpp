#include "runtime/kernels/helpers/attrs.h"
#include "runtime/kernels/helpers/copy.h"

namespace rknnc::runtime::kernels {
namespace {

// Transpose(data; perm, default reversed dims), any dtype.
void transpose_any(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  const size_t rank = x.shape().size();
  std::vector<int64_t> perm = ctx.attrs().get_ints("perm");
  if (perm.empty())
    for (size_t d = rank; d-- > 0;) perm.push_back(static_cast<int64_t>(d));
  if (perm.size() != rank) ctx.fail("perm has {} entries for rank {}", perm.size(), rank);
  perm = normalize_axes(ctx, perm, rank);
  const auto strides = ir::shape_strides(x.shape());
  ir::Shape out;
  std::vector<int64_t> src_strides;
  for (int64_t p : perm) {
    out.push_back(x.shape()[static_cast<size_t>(p)]);
    src_strides.push_back(strides[static_cast<size_t>(p)]);
  }
  ir::Tensor& y = ctx.set_output_unfilled(0, x.dtype(), out);
  copy_strided(ctx.pool, y.raw(), x.raw(), ir::dtype_size(x.dtype()), out, src_strides);
}

RKNNC_KERNEL("Transpose", kAnyType, transpose_any);

}  // namespace
}  // namespace rknnc::runtime::kernels
