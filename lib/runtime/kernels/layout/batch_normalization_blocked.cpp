#include <string>

#include "runtime/kernel.h"
#include "runtime/kernels/helpers/blocked_conv.h"
#include "runtime/kernels/helpers/normalize.h"

namespace rknnc::runtime::kernels {
namespace {

// One block's plane: x * mul + add, then (kRelu) the Relu node's v > 0 ? v : 0.
// A pixel's 16 values are read before any is written: in place (yp == xp)
// the loop still runs on vectors, where element by element the compiler
// had to assume the stores feed the next loads.
template <bool kRelu>
void normalize(const float* xp, float* yp, int64_t plane, const float (&m)[kChannelBlock],
               const float (&a)[kChannelBlock]) {
  for (int64_t p = 0; p < plane; ++p) {
    float v[kChannelBlock];
    for (int64_t l = 0; l < kChannelBlock; ++l) v[l] = xp[p * kChannelBlock + l] * m[l] + a[l];
    if (kRelu)
      for (float& e : v) e = e > 0.0f ? e : 0.0f;
    for (int64_t l = 0; l < kChannelBlock; ++l) yp[p * kChannelBlock + l] = v[l];
  }
}

// rknnc.BatchNormalizationBlocked: BatchNormalization of a channel-blocked
// image (runtime/layout_plan.h), y = x * mul + add with batch_normalization.cpp's
// coefficients and expression; padding lanes get 0. A fused activation (the
// plan's "activation" Relu) then runs as the Relu node would.
void batch_normalization_blocked_f32(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  const ir::Shape& s = x.shape();
  const int64_t c = ctx.in(1).numel();
  if (s.size() != 5 || s[4] != kChannelBlock || s[1] != channel_blocks(c))
    ctx.fail("input {} is not a channel-blocked image of {} channels", ir::shape_str(s), c);
  BatchNormAffine affine = batch_norm_affine(ctx, c);
  affine.mul.resize(static_cast<size_t>(s[1] * kChannelBlock), 0.0f);
  affine.add.resize(affine.mul.size(), 0.0f);
  const std::string act = ctx.attrs().get_string("activation", "");
  if (!act.empty() && act != "Relu") ctx.fail("fused activation {} on a blocked BatchNormalization", act);
  const bool relu = act == "Relu";
  ir::Tensor& y = ctx.set_output_in_place(0, x.dtype(), s, 0);
  const int64_t plane = s[2] * s[3];
  const float* px = x.data<float>();
  float* py = y.data<float>();
  ctx.pool.parallel_for(s[0] * s[1], plane * kChannelBlock, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      float m[kChannelBlock], a[kChannelBlock];  // local: py may alias the vectors for all the compiler knows
      for (int64_t l = 0; l < kChannelBlock; ++l) {
        m[l] = affine.mul[static_cast<size_t>(i % s[1] * kChannelBlock + l)];
        a[l] = affine.add[static_cast<size_t>(i % s[1] * kChannelBlock + l)];
      }
      const float* xp = px + i * plane * kChannelBlock;
      float* yp = py + i * plane * kChannelBlock;
      if (relu) normalize<true>(xp, yp, plane, m, a);
      else normalize<false>(xp, yp, plane, m, a);
    }
  });
}

RKNNC_KERNEL("rknnc.BatchNormalizationBlocked", ir::DataType::Float32, batch_normalization_blocked_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
