#include <algorithm>
#include <cmath>
#include <vector>

#include "runtime/kernel.h"
#include "runtime/kernels/helpers/normalize.h"

namespace rknnc::runtime::kernels {
namespace {

// Inference BatchNormalization: y = (x - mean) / sqrt(var + eps) * scale + bias per channel (dim 1).
void batch_normalization_f32(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  if (x.shape().size() < 2) ctx.fail("input must have a channel dim, got {}", ir::shape_str(x.shape()));
  const int64_t c = x.shape()[1], n = x.shape()[0], inner = x.numel() / std::max<int64_t>(1, n * c);
  const BatchNormAffine affine = batch_norm_affine(ctx, c);
  const std::vector<float>& mul = affine.mul;
  const std::vector<float>& add = affine.add;
  ir::Tensor& y = ctx.set_output_in_place(0, x.dtype(), x.shape(), 0);
  const float* px = x.data<float>();
  float* py = y.data<float>();
  ctx.pool.parallel_for(n * c, inner, [&](int64_t b, int64_t e) {
    for (int64_t p = b; p < e; ++p) {
      const auto ch = static_cast<size_t>(p % c);
      const float m = mul[ch], a = add[ch];  // in registers: py may alias mul / add for all the compiler knows
      const float* xp = px + p * inner;
      float* yp = py + p * inner;
      for (int64_t i = 0; i < inner; ++i) yp[i] = xp[i] * m + a;
    }
  });
}

RKNNC_KERNEL("BatchNormalization", ir::DataType::Float32, batch_normalization_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
