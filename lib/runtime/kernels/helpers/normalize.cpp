#include "runtime/kernels/helpers/normalize.h"

#include <cmath>

namespace rknnc::runtime::kernels {

BatchNormAffine batch_norm_affine(const KernelContext& ctx, int64_t channels) {
  if (ctx.attrs().get_int("training_mode", 0) != 0 || (ctx.outputs.size() > 1 && !ctx.node.outputs[1].empty()))
    ctx.fail("training mode is not supported; export the model in eval mode");
  for (size_t i = 1; i <= 4; ++i)
    if (ctx.in(i).numel() != channels)
      ctx.fail("input {} has {} values for {} channels", i, ctx.in(i).numel(), channels);
  const float eps = ctx.attrs().get_float("epsilon", 1e-5f);
  const float* scale = ctx.in(1).data<float>();
  const float* bias = ctx.in(2).data<float>();
  const float* mean = ctx.in(3).data<float>();
  const float* var = ctx.in(4).data<float>();
  BatchNormAffine a{std::vector<float>(static_cast<size_t>(channels)), std::vector<float>(static_cast<size_t>(channels))};
  for (int64_t i = 0; i < channels; ++i) {
    const auto k = static_cast<size_t>(i);
    a.mul[k] = scale[i] / std::sqrt(var[i] + eps);
    a.add[k] = bias[i] - mean[i] * a.mul[k];
  }
  return a;
}

Moments row_moments(const float* x, int64_t n, float eps) {
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += x[i];
  const double mean = n > 0 ? sum / static_cast<double>(n) : 0.0;
  double sq = 0;
  for (int64_t i = 0; i < n; ++i) sq += (x[i] - mean) * (x[i] - mean);
  const double var = n > 0 ? sq / static_cast<double>(n) : 0.0;
  return {static_cast<float>(mean), static_cast<float>(1.0 / std::sqrt(var + eps))};
}

}  // namespace rknnc::runtime::kernels
