#include <cstring>

#include "runtime/kernels/helpers/indexing.h"

namespace rknnc::runtime::kernels {
namespace {

// indices [..., k] address slices of data (after batch_dims); the output is
// indices.shape[:-1] + data.shape[batch_dims + k:]. Any dtype.
void gather_nd_any(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  const ir::Tensor& idx = ctx.in(1);
  const int64_t batch_dims = ctx.attrs().get_int("batch_dims", 0);
  const SliceOffsets s = nd_offsets(ctx, x.shape(), idx, batch_dims);
  ir::Shape out(idx.shape().begin(), idx.shape().end() - 1);
  out.insert(out.end(), x.shape().begin() + batch_dims + idx.shape().back(), x.shape().end());
  ir::Tensor& y = ctx.set_output(0, x.dtype(), out);
  const size_t es = ir::dtype_size(x.dtype()), row = static_cast<size_t>(s.slice) * es;
  const auto* src = static_cast<const std::byte*>(x.raw());
  auto* dst = static_cast<std::byte*>(y.raw());
  for (size_t i = 0; i < s.offsets.size(); ++i) std::memcpy(dst + i * row, src + static_cast<size_t>(s.offsets[i]) * es, row);
}

RKNNC_KERNEL("GatherND", kAnyType, gather_nd_any);

}  // namespace
}  // namespace rknnc::runtime::kernels
