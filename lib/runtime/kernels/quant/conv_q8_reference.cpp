// The reference int8 Conv (the oracle of the fast paths, and the path on CPUs
// without AVX2). Quantised Conv: int8 input (zero point zx), symmetric int8 weights (per
// output channel or per tensor), int32 bias on scale sx·sw. Exact int32 sums
// of (x - zx)·w, then y = clamp(zy + requant(acc + bias, sx·sw[c]/sy)).
// Depthwise runs a direct loop; everything else a pair-packed integer product
// on the input channels (pointwise) or an im2col matrix.
#include <vector>

#include "runtime/kernels/helpers/conv_loops.h"
#include "runtime/kernels/helpers/conv_shape.h"
#include "runtime/kernels/helpers/qdepthwise.h"
#include "runtime/kernels/helpers/qpair_gemm.h"
#include "runtime/kernels/helpers/quant_tensor.h"
#include "runtime/kernels/quant/q8_kernels.h"

namespace rknnc::runtime::kernels {

void conv_q8_reference(KernelContext& ctx) {
  const ConvShape s = conv_shape(ctx, ir::DataType::Int8);
  const int32_t zx = tensor_zero_point(ctx, 0);
  const int8_t* px = ctx.in(0).data<int8_t>();
  const int8_t* pw = ctx.in(1).data<int8_t>();
  const Window& w = s.w;
  const int64_t taps = w.kernel_size(), in = w.in_size(), out = w.out_size(), k_len = s.cg * taps;
  const RequantPlan plan = requant_plan(ctx, pw, s.m, k_len);
  int8_t* py = ctx.outputs[0].data<int8_t>();
  const bool direct = s.depthwise() || s.pointwise();
  const std::vector<int16_t> x16 = direct ? std::vector<int16_t>{} : centered(ctx.in(0), zx);
  std::vector<int16_t> col(direct ? 0 : static_cast<size_t>(k_len * out));
  for (int64_t img = 0; img < s.n; ++img) {
    int8_t* yi = py + img * s.m * out;
    if (s.depthwise()) {
      ctx.pool.parallel_for(s.m, out * taps, [&](int64_t b, int64_t e) {
        qdepthwise(px + img * s.c * in, zx, pw, w, plan, yi, b, e);
      });
      continue;
    }
    for (int64_t g = 0; g < s.group; ++g) {
      const int64_t x0 = (img * s.c + g * s.cg) * in;
      if (!s.pointwise()) im2col(x16.data() + x0, s.cg, w, col.data(), &ctx.pool);
      const PackedPixels xp = s.pointwise() ? pack_pixels(px + x0, zx, s.cg, out, &ctx.pool)
                                            : pack_pixels(col.data(), k_len, out, &ctx.pool);
      qpair_gemm(pw + g * s.mg * k_len, s.mg, xp, plan, g * s.mg, yi + g * s.mg * out, &ctx.pool);
    }
  }
}

}  // namespace rknnc::runtime::kernels
