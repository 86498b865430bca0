#pragma once
// ArgMax / ArgMin: the index of the best value along `axis` (first best, or
// last with select_last_index), int64, axis kept as 1 or dropped (keepdims).
#include "runtime/kernels/helpers/attrs.h"

namespace rknnc::runtime::kernels {

// better(a, b): a beats b strictly.
template <typename T, typename Better>
void arg_select(KernelContext& ctx, Better better) {
  const ir::Tensor& x = ctx.in(0);
  const int64_t axis = normalize_axis(ctx, ctx.attrs().get_int("axis", 0), x.shape().size());
  const bool last = ctx.attrs().get_int("select_last_index", 0) != 0;
  const AxisSplit s = split_at_axis(x.shape(), axis);
  if (s.dim == 0) ctx.fail("axis {} has size 0: there is no value to select", axis);
  ir::Shape out = x.shape();
  if (ctx.attrs().get_int("keepdims", 1) != 0) out[static_cast<size_t>(axis)] = 1;
  else out.erase(out.begin() + axis);
  int64_t* dst = ctx.set_output(0, ir::DataType::Int64, out).data<int64_t>();
  const T* src = x.data<T>();
  for (int64_t o = 0; o < s.outer; ++o)
    for (int64_t i = 0; i < s.inner; ++i) {
      const T* p = src + o * s.dim * s.inner + i;
      int64_t best = 0;
      for (int64_t k = 1; k < s.dim; ++k)
        if (better(p[k * s.inner], p[best * s.inner]) || (last && !better(p[best * s.inner], p[k * s.inner])))
          best = k;
      dst[o * s.inner + i] = best;
    }
}

}  // namespace rknnc::runtime::kernels
