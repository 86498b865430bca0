#include "runtime/kernels/helpers/linear_quant.h"

namespace rknnc::runtime::kernels {

LinearQuant linear_quant(const KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  LinearQuant q;
  q.scale = ctx.in(1).to_float_vector();
  if (const ir::Tensor* z = ctx.opt(2)) {
    q.zero_point_type = z->dtype();
    for (int64_t v : z->to_int_vector()) q.zero_point.push_back(static_cast<int32_t>(v));
  }
  if (q.zero_point.empty()) q.zero_point.assign(q.scale.size(), 0);
  if (q.scale.empty() || q.zero_point.size() != q.scale.size())
    ctx.fail("scale has {} values and zero point {}", q.scale.size(), q.zero_point.size());
  if (ctx.in(1).shape().empty() || q.scale.size() == 1) return q;
  const int64_t axis = normalize_axis(ctx, ctx.attrs().get_int("axis", 1), x.shape().size());
  q.split = split_at_axis(x.shape(), axis);
  if (q.split.dim != static_cast<int64_t>(q.scale.size()))
    ctx.fail("{} scales for axis {} of size {}", q.scale.size(), axis, q.split.dim);
  return q;
}

}  // namespace rknnc::runtime::kernels
