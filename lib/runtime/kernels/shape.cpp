#include <algorithm>

#include "runtime/kernel.h"

namespace rknnc::runtime::kernels {
namespace {

// Shape(data; start, end) -> int64 dims, start/end clamped like Slice.
void shape_any(KernelContext& ctx) {
  const ir::Shape& s = ctx.in(0).shape();
  const auto rank = static_cast<int64_t>(s.size());
  auto clampi = [&](int64_t v) { return std::clamp<int64_t>(v < 0 ? v + rank : v, 0, rank); };
  const int64_t b = clampi(ctx.attrs().get_int("start", 0));
  const int64_t e = ctx.attrs().has("end") ? clampi(ctx.attrs().get_int("end", rank)) : rank;
  std::vector<int64_t> dims(s.begin() + b, s.begin() + std::max(b, e));
  ctx.outputs[0] = ir::Tensor::from<int64_t>({static_cast<int64_t>(dims.size())}, dims);
}

RKNNC_KERNEL("Shape", kAnyType, shape_any);

}  // namespace
}  // namespace rknnc::runtime::kernels
