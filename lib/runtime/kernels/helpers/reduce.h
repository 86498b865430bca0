#pragma once
// Reduction over a set of axes (Reduce*, GlobalAveragePool/GlobalMaxPool,
// Softmax's max/sum). Parallel over output elements; each output folds its
// reduced elements in row-major order, so results do not depend on threads.
#include <optional>
#include <vector>

#include "runtime/kernels/helpers/broadcast.h"

namespace rknnc::runtime::kernels {

// Output shape: reduced axes become 1 (keepdims) or vanish.
ir::Shape reduced_shape(const ir::Shape& in, const std::vector<int64_t>& axes, bool keepdims);

// y[o] = fin(fold of step(acc, x) over the reduced elements of o, count).
// axes must be normalised; an empty list reduces nothing (y = fin(step(init, x), 1)).
template <typename T, typename Acc, typename Step, typename Fin>
void reduce_axes(KernelContext& ctx, const ir::Tensor& x, const std::vector<int64_t>& axes, bool keepdims, Acc init,
                 Step step, Fin fin) {
  const ir::Shape& shape = x.shape();
  const auto strides = ir::shape_strides(shape);
  std::vector<bool> red(shape.size(), false);
  for (int64_t a : axes) red[static_cast<size_t>(a)] = true;
  ir::Shape kept, kept_strides, rshape;
  std::vector<int64_t> rstrides;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (red[d]) {
      rshape.push_back(shape[d]);
      rstrides.push_back(strides[d]);
    } else {
      kept.push_back(shape[d]);
      kept_strides.push_back(strides[d]);
    }
  }
  ir::Tensor& y = ctx.set_output(0, x.dtype(), reduced_shape(shape, axes, keepdims));
  const RowPlan outer(kept, {kept_strides});
  const RowPlan inner(rshape, {rstrides});
  const int64_t count = ir::shape_numel(rshape);
  const T* src = x.data<T>();
  T* dst = y.data<T>();
  auto base_of = [&](int64_t o) {  // the output index space equals the kept dims in order
    int64_t base;
    outer.row_offsets(o / outer.row_length(), &base);
    return base + o % outer.row_length() * outer.inner_stride(0);
  };
  // Each output's elements one contiguous run (the trailing axes reduced, as
  // GlobalAveragePool's plane): kFolds outputs fold side by side, so their
  // chains overlap instead of each waiting on its own step's latency.
  const bool runs = count > 0 && inner.rows() == 1 && inner.row_length() == count && inner.inner_stride(0) == 1;
  constexpr int64_t kFolds = 8;
  ctx.pool.parallel_for(y.numel(), count, [&](int64_t b, int64_t e) {
    int64_t o = b;
    for (; runs && o + kFolds <= e; o += kFolds) {
      const T* p[kFolds];
      Acc acc[kFolds];
      for (int64_t j = 0; j < kFolds; ++j) p[j] = src + base_of(o + j), acc[j] = init;
      for (int64_t i = 0; i < count; ++i)
        for (int64_t j = 0; j < kFolds; ++j) acc[j] = step(acc[j], p[j][i]);
      for (int64_t j = 0; j < kFolds; ++j) dst[o + j] = fin(acc[j], count);
    }
    for (; o < e; ++o) {
      const int64_t base = base_of(o);
      Acc acc = init;
      inner.for_rows(0, inner.rows(), [&](const int64_t* off, const int64_t* st, int64_t n) {
        const T* p = src + base + off[0];
        for (int64_t i = 0; i < n; ++i) acc = step(acc, p[i * st[0]]);
      });
      dst[o] = fin(acc, count);
    }
  });
}

}  // namespace rknnc::runtime::kernels

namespace rknnc::runtime::kernels {

// The axes of a Reduce* op, normalised: input 1 (ReduceSum 13+, all ops 18+)
// or the `axes` attribute; empty means every axis, nullopt means none
// (noop_with_empty_axes: the op is the identity).
inline std::optional<std::vector<int64_t>> reduce_op_axes(const KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  std::vector<int64_t> axes;
  if (const ir::Tensor* a = ctx.opt(1)) axes = a->to_int_vector();
  else axes = ctx.attrs().get_ints("axes");
  if (axes.empty()) {
    if (ctx.attrs().get_int("noop_with_empty_axes", 0) != 0) return std::nullopt;
    for (size_t d = 0; d < x.shape().size(); ++d) axes.push_back(static_cast<int64_t>(d));
  }
  const auto rank = static_cast<int64_t>(x.shape().size());
  for (auto& a : axes) {
    if (a < -rank || a >= rank) ctx.fail("axis {} is out of range for rank {}", a, rank);
    if (a < 0) a += rank;
  }
  return axes;
}

// The Reduce* op form: reduce_op_axes, keepdims; no axes: identity.
template <typename T, typename Acc, typename Step, typename Fin>
void reduce_op(KernelContext& ctx, Acc init, Step step, Fin fin) {
  const auto axes = reduce_op_axes(ctx);
  if (!axes) {
    ctx.outputs[0] = ctx.in(0);
    return;
  }
  reduce_axes<T>(ctx, ctx.in(0), *axes, ctx.attrs().get_int("keepdims", 1) != 0, init, step, fin);
}

}  // namespace rknnc::runtime::kernels
