// Quantised Conv: int8 input (zero point zx), symmetric int8 weights (per
// output channel or per tensor), int32 bias on scale sx·sw. Exact int32 sums
// of (x - zx)·w, then y = clamp(zy + requant(acc, sx·sw[c]/sy)).
#include <vector>

#include "runtime/kernels/helpers/conv_loops.h"
#include "runtime/kernels/helpers/conv_shape.h"
#include "runtime/kernels/helpers/qgemm.h"
#include "runtime/kernels/helpers/quant_tensor.h"
#include "runtime/kernels/helpers/requant.h"

namespace rknnc::runtime::kernels {
namespace {

// colT[p·k_len + k] = col[k·pixels + p].
std::vector<int16_t> transpose(const int16_t* col, int64_t k_len, int64_t pixels) {
  std::vector<int16_t> t(static_cast<size_t>(k_len * pixels));
  for (int64_t k = 0; k < k_len; ++k)
    for (int64_t p = 0; p < pixels; ++p) t[p * k_len + k] = col[k * pixels + p];
  return t;
}

void conv_q8(KernelContext& ctx) {
  const ConvShape s = conv_shape(ctx, ir::DataType::Int8);
  const std::vector<int16_t> x = centered(ctx.in(0), tensor_zero_point(ctx, 0));
  const std::vector<int16_t> wt = centered(ctx.in(1), 0);
  const std::vector<int32_t> bias = int32_values(ctx.opt(2), s.m);
  const auto mult = channel_multipliers(ctx, 0, 1, s.m);
  const OutputClamp clamp = output_clamp(ctx);
  const int32_t zy = ctx.qout(0).zero_point_at(0);
  const Window& w = s.w;
  const int64_t taps = w.kernel_size(), in = w.in_size(), out = w.out_size(), k_len = s.cg * taps;
  int8_t* py = ctx.outputs[0].data<int8_t>();
  std::vector<int32_t> acc(static_cast<size_t>(s.mg * out));
  std::vector<int16_t> col(s.pointwise() ? 0 : static_cast<size_t>(k_len * out));
  auto store = [&](int64_t img, int64_t ch0, int64_t channels) {
    for (int64_t o = 0; o < channels; ++o) {
      const int64_t ch = ch0 + o;
      int8_t* y = py + (img * s.m + ch) * out;
      const int32_t* a = acc.data() + o * out;
      for (int64_t p = 0; p < out; ++p) y[p] = clamp(zy + mult[ch].apply(int64_t{a[p]} + bias[ch]));
    }
  };
  for (int64_t img = 0; img < s.n; ++img) {
    if (s.depthwise()) {
      acc.resize(static_cast<size_t>(s.m * out));
      const int16_t* xi = x.data() + img * s.c * in;
      ctx.pool.parallel_for(s.m, out * taps, [&](int64_t b, int64_t e) {
        depthwise_conv<int16_t, int32_t>(xi, wt.data(), nullptr, w, acc.data(), b, e);
      });
      store(img, 0, s.m);
      continue;
    }
    for (int64_t g = 0; g < s.group; ++g) {
      const int16_t* xg = x.data() + (img * s.c + g * s.cg) * in;
      if (!s.pointwise()) im2col(xg, s.cg, w, col.data(), &ctx.pool);
      const std::vector<int16_t> rows = transpose(s.pointwise() ? xg : col.data(), k_len, out);
      qgemm_nt(wt.data() + g * s.mg * k_len, s.mg, rows.data(), out, k_len, acc.data(), &ctx.pool);
      store(img, g * s.mg, s.mg);
    }
  }
}

RKNNC_QUANT_KERNEL("Conv", conv_q8);

}  // namespace
}  // namespace rknnc::runtime::kernels
