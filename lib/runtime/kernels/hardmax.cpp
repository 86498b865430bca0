#include "runtime/kernels/helpers/attrs.h"

namespace rknnc::runtime::kernels {
namespace {

// 1 at the first maximum along `axis` (opset 13 form: older opsets are
// canonicalised to it), 0 elsewhere.
void hardmax_f32(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  const int64_t axis = normalize_axis(ctx, ctx.attrs().get_int("axis", -1), x.shape().size());
  const AxisSplit s = split_at_axis(x.shape(), axis);
  float* dst = ctx.set_output(0, x.dtype(), x.shape()).data<float>();
  const float* src = x.data<float>();
  for (int64_t o = 0; o < s.outer; ++o)
    for (int64_t i = 0; i < s.inner; ++i) {
      const int64_t base = o * s.dim * s.inner + i;
      int64_t best = 0;
      for (int64_t k = 1; k < s.dim; ++k)
        if (src[base + k * s.inner] > src[base + best * s.inner]) best = k;
      if (s.dim > 0) dst[base + best * s.inner] = 1.f;
    }
}

RKNNC_KERNEL("Hardmax", ir::DataType::Float32, hardmax_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
