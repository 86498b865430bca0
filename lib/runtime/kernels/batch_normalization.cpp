#include <algorithm>
#include <cmath>
#include <vector>

#include "runtime/kernel.h"

namespace rknnc::runtime::kernels {
namespace {

// Inference BatchNormalization: y = (x - mean) / sqrt(var + eps) * scale + bias per channel (dim 1).
void batch_normalization_f32(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  if (ctx.attrs().get_int("training_mode", 0) != 0 || (ctx.outputs.size() > 1 && !ctx.node.outputs[1].empty()))
    ctx.fail("training mode is not supported; export the model in eval mode");
  if (x.shape().size() < 2) ctx.fail("input must have a channel dim, got {}", ir::shape_str(x.shape()));
  const int64_t c = x.shape()[1], n = x.shape()[0], inner = x.numel() / std::max<int64_t>(1, n * c);
  for (size_t i = 1; i <= 4; ++i)
    if (ctx.in(i).numel() != c) ctx.fail("input {} has {} values for {} channels", i, ctx.in(i).numel(), c);
  const float eps = ctx.attrs().get_float("epsilon", 1e-5f);
  const float* scale = ctx.in(1).data<float>();
  const float* bias = ctx.in(2).data<float>();
  const float* mean = ctx.in(3).data<float>();
  const float* var = ctx.in(4).data<float>();
  std::vector<float> mul(static_cast<size_t>(c)), add(static_cast<size_t>(c));
  for (int64_t i = 0; i < c; ++i) {
    mul[static_cast<size_t>(i)] = scale[i] / std::sqrt(var[i] + eps);
    add[static_cast<size_t>(i)] = bias[i] - mean[i] * mul[static_cast<size_t>(i)];
  }
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
