#include "runtime/kernels/helpers/softmax.h"

#include <cmath>

#include "runtime/kernels/helpers/attrs.h"

namespace rknnc::runtime::kernels {

void softmax_along_axis(KernelContext& ctx, bool log) {
  const ir::Tensor& x = ctx.in(0);
  const int64_t axis = normalize_axis(ctx, ctx.attrs().get_int("axis", -1), x.shape().size());
  const AxisSplit s = split_at_axis(x.shape(), axis);
  ir::Tensor& y = ctx.set_output(0, x.dtype(), x.shape());
  const float* src = x.data<float>();
  float* dst = y.data<float>();
  ctx.pool.parallel_for(s.outer * s.inner, s.dim * 4, [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) {
      const int64_t base = (r / s.inner) * s.dim * s.inner + r % s.inner;
      float mx = -INFINITY;
      for (int64_t i = 0; i < s.dim; ++i) mx = std::max(mx, src[base + i * s.inner]);
      double sum = 0;
      for (int64_t i = 0; i < s.dim; ++i) {
        const float v = std::exp(src[base + i * s.inner] - mx);
        dst[base + i * s.inner] = v;
        sum += v;
      }
      const float ls = static_cast<float>(std::log(sum));
      const float inv = static_cast<float>(1.0 / sum);
      for (int64_t i = 0; i < s.dim; ++i) {
        float& v = dst[base + i * s.inner];
        v = log ? src[base + i * s.inner] - mx - ls : v * inv;
      }
    }
  });
}

}  // namespace rknnc::runtime::kernels
