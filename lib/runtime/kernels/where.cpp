#include <cstring>

#include "runtime/kernels/helpers/broadcast.h"

namespace rknnc::runtime::kernels {
namespace {

// Where(condition, X, Y), broadcasting all three; X/Y any dtype (bytes are moved).
void where_bool(KernelContext& ctx) {
  const ir::Tensor& c = ctx.in(0);
  const ir::Tensor& a = ctx.in(1);
  const ir::Tensor& b = ctx.in(2);
  if (a.dtype() != b.dtype()) ctx.fail("X is {} but Y is {}", ir::dtype_name(a.dtype()), ir::dtype_name(b.dtype()));
  const ir::Shape out = broadcast_shapes(ctx, {c.shape(), a.shape(), b.shape()});
  ir::Tensor& y = ctx.set_output(0, a.dtype(), out);
  const RowPlan plan = RowPlan::broadcast(out, {c.shape(), a.shape(), b.shape()});
  const auto es = static_cast<int64_t>(ir::dtype_size(a.dtype()));
  const bool* pc = c.data<bool>();
  const auto* pa = static_cast<const std::byte*>(a.raw());
  const auto* pb = static_cast<const std::byte*>(b.raw());
  auto* po = static_cast<std::byte*>(y.raw());
  plan.for_rows(0, plan.rows(), [&](const int64_t* off, const int64_t* st, int64_t n) {
    for (int64_t i = 0; i < n; ++i) {
      const std::byte* src = pc[off[1] + i * st[1]] ? pa + (off[2] + i * st[2]) * es : pb + (off[3] + i * st[3]) * es;
      std::memcpy(po + (off[0] + i) * es, src, static_cast<size_t>(es));
    }
  });
}

RKNNC_KERNEL("Where", ir::DataType::Bool, where_bool);

}  // namespace
}  // namespace rknnc::runtime::kernels
