#include <algorithm>
#include <numeric>

#include "runtime/kernels/helpers/attrs.h"
#include "runtime/kernels/helpers/dispatch.h"

namespace rknnc::runtime::kernels {
namespace {

// The K largest (or smallest) values along `axis` and their int64 indices,
// best first; equal values keep the lower index first. Results are always
// sorted (sorted = 0 leaves the order open).
template <typename T>
void top_k_kernel(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  const ir::Tensor& kt = ctx.in(1);
  if (kt.numel() != 1) ctx.fail("K must hold one value, got shape {}", ir::shape_str(kt.shape()));
  const int64_t axis = normalize_axis(ctx, ctx.attrs().get_int("axis", -1), x.shape().size());
  const AxisSplit s = split_at_axis(x.shape(), axis);
  const int64_t k = kt.get_as_int(0);
  if (k < 0 || k > s.dim) ctx.fail("K = {} is outside [0, {}] for axis {}", k, s.dim, axis);
  const bool largest = ctx.attrs().get_int("largest", 1) != 0;
  ir::Shape out = x.shape();
  out[static_cast<size_t>(axis)] = k;
  T* values = ctx.set_output(0, x.dtype(), out).template data<T>();
  int64_t* indices = ctx.set_output(1, ir::DataType::Int64, out).template data<int64_t>();
  const T* src = x.data<T>();
  std::vector<int64_t> order(static_cast<size_t>(s.dim));
  for (int64_t o = 0; o < s.outer; ++o)
    for (int64_t i = 0; i < s.inner; ++i) {
      const T* p = src + o * s.dim * s.inner + i;
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
        return largest ? p[b * s.inner] < p[a * s.inner] : p[a * s.inner] < p[b * s.inner];
      });
      for (int64_t j = 0; j < k; ++j) {
        const int64_t at = (o * k + j) * s.inner + i;
        values[at] = p[order[static_cast<size_t>(j)] * s.inner];
        indices[at] = order[static_cast<size_t>(j)];
      }
    }
}

RKNNC_TYPED_KERNELS("TopK", top_k_kernel, float, double, int32_t, int64_t);

}  // namespace
}  // namespace rknnc::runtime::kernels
