#pragma once
// Mean / variance normalisation of contiguous rows (LayerNormalization,
// InstanceNormalization, GroupNormalization): each row of `len` values is
// shifted by its mean and scaled by 1/sqrt(var + eps), then an affine map per
// element position is applied.
#include <cstdint>
#include <vector>

#include "runtime/kernel.h"

namespace rknnc::runtime::kernels {

// BatchNormalization (inference) as y = x * mul[c] + add[c]: checks the
// node (training mode, statistics of `channels` values; ctx.fail names it).
struct BatchNormAffine {
  std::vector<float> mul, add;
};
BatchNormAffine batch_norm_affine(const KernelContext& ctx, int64_t channels);

struct Moments {
  float mean = 0, inv_std = 1;
};

// Mean and 1/sqrt(population variance + eps) of n values (accumulated in double).
Moments row_moments(const float* x, int64_t n, float eps);

// y[r·len + i] = (x - mean_r)·inv_std_r·scale + bias, where affine(r, i)
// returns {scale, bias}. moments[r] receives each row's statistics when not null.
template <typename Affine>
void normalize_rows(KernelContext& ctx, const float* x, float* y, int64_t rows, int64_t len, float eps, Affine affine,
                    Moments* moments = nullptr) {
  ctx.pool.parallel_for(rows, len * 4, [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) {
      const float* src = x + r * len;
      float* dst = y + r * len;
      const Moments m = row_moments(src, len, eps);
      if (moments) moments[r] = m;
      for (int64_t i = 0; i < len; ++i) {
        const auto [scale, bias] = affine(r, i);
        dst[i] = (src[i] - m.mean) * m.inv_std * scale + bias;
      }
    }
  });
}

// Per-channel {scale, bias} of a [N, C, spatial…] tensor whose rows hold
// `per_row` channels each of `spatial` values: row r, position i -> channel.
struct ChannelAffine {
  const float* scale;
  const float* bias;  // may be null
  int64_t channels, per_row, spatial;
  std::pair<float, float> operator()(int64_t r, int64_t i) const {
    const int64_t c = (r * per_row + i / spatial) % channels;
    return {scale[c], bias ? bias[c] : 0.f};
  }
};

}  // namespace rknnc::runtime::kernels
