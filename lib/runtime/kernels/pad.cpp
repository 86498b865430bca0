#include <cstring>

#include "runtime/kernels/helpers/attrs.h"

namespace rknnc::runtime::kernels {
namespace {

// Input index for output index o along a dim of size n padded by `before`;
// -1 means "constant".
int64_t source_index(int64_t o, int64_t n, int64_t before, int mode) {
  int64_t i = o - before;
  if (i >= 0 && i < n) return i;
  if (mode == 0 || n == 0) return -1;
  if (mode == 1) return i < 0 ? 0 : n - 1;  // edge
  if (mode == 3) return ((i % n) + n) % n;  // wrap (opset 19)
  if (n == 1) return 0;                     // reflect
  const int64_t period = 2 * (n - 1);
  i = ((i % period) + period) % period;
  return i < n ? i : period - i;
}

// Pad(data, pads, constant_value?, axes?) for any dtype; mode constant, reflect, edge or wrap.
void pad_any(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  const size_t rank = x.shape().size();
  const std::string mode_name = ctx.attrs().get_string("mode", "constant");
  const int mode = mode_name == "constant" ? 0 : mode_name == "edge" ? 1 : mode_name == "reflect" ? 2
                 : mode_name == "wrap"       ? 3 : -1;
  if (mode < 0) ctx.fail("mode '{}' is not one of constant, reflect, edge, wrap", mode_name);
  const auto given = int_input(ctx, 1);
  if (!given) ctx.fail("the pads input is required");
  std::vector<int64_t> axes = int_input(ctx, 3).value_or(std::vector<int64_t>{});
  if (axes.empty())
    for (size_t d = 0; d < rank; ++d) axes.push_back(static_cast<int64_t>(d));
  axes = normalize_axes(ctx, axes, rank);
  if (given->size() != 2 * axes.size()) ctx.fail("pads has {} values, expected {}", given->size(), 2 * axes.size());
  std::vector<int64_t> before(rank, 0), after(rank, 0);
  for (size_t i = 0; i < axes.size(); ++i) {
    before[static_cast<size_t>(axes[i])] = (*given)[i];
    after[static_cast<size_t>(axes[i])] = (*given)[i + axes.size()];
  }
  ir::Shape out(rank);
  for (size_t d = 0; d < rank; ++d) {
    out[d] = x.shape()[d] + before[d] + after[d];
    if (out[d] < 0) ctx.fail("pads make dim {} negative", d);
    if (mode == 2 && x.shape()[d] == 0 && out[d] > 0) ctx.fail("cannot reflect-pad an empty dim {}", d);
  }
  const size_t es = ir::dtype_size(x.dtype());
  std::vector<std::byte> value(es);
  if (const ir::Tensor* v = ctx.opt(2); v && v->numel() > 0) {
    if (v->dtype() != x.dtype()) ctx.fail("constant_value type differs from the data type");
    std::memcpy(value.data(), v->raw(), es);
  }
  ir::Tensor& y = ctx.set_output(0, x.dtype(), out);
  // Per dim: output index -> input index or -1.
  std::vector<std::vector<int64_t>> map(rank);
  for (size_t d = 0; d < rank; ++d)
    for (int64_t o = 0; o < out[d]; ++o) map[d].push_back(source_index(o, x.shape()[d], before[d], mode));
  const auto in_strides = ir::shape_strides(x.shape());
  const auto* src = static_cast<const std::byte*>(x.raw());
  auto* dst = static_cast<std::byte*>(y.raw());
  for (int64_t o = 0; o < y.numel(); ++o) {
    int64_t rem = o, off = 0;
    bool inside = true;
    for (size_t d = rank; d-- > 0;) {
      const int64_t i = map[d][static_cast<size_t>(rem % out[d])];
      rem /= out[d];
      if (i < 0) inside = false;
      else off += i * in_strides[d];
    }
    std::memcpy(dst + static_cast<size_t>(o) * es, inside ? src + static_cast<size_t>(off) * es : value.data(), es);
  }
}

RKNNC_KERNEL("Pad", kAnyType, pad_any);

}  // namespace
}  // namespace rknnc::runtime::kernels
