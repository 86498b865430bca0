// Quantised ConvTranspose: int8 input (zero point zx), symmetric int8 weights
// [C, M/group, k...] (per output channel, axis 1, when group is 1; else per
// tensor), int32 bias on scale sx·sw. Exact int32 products of (x - zx)·w
// scattered onto the output (integer gemm + col2im), then
// y = clamp(zy + requant(acc + bias, sx·sw[c]/sy)); a fused Relu / Clip narrows the clamp.
#include <vector>

#include "runtime/kernels/helpers/conv_loops.h"
#include "runtime/kernels/helpers/conv_transpose_shape.h"
#include "runtime/kernels/helpers/qgemm.h"
#include "runtime/kernels/helpers/quant_tensor.h"
#include "runtime/kernels/helpers/requant.h"

namespace rknnc::runtime::kernels {
namespace {

// Rows of length `rows` of a [rows, cols] int8 matrix minus zp, transposed to [cols, rows] int16.
std::vector<int16_t> centered_transposed(const int8_t* p, int64_t rows, int64_t cols, int32_t zp) {
  std::vector<int16_t> t(static_cast<size_t>(rows * cols));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) t[static_cast<size_t>(c * rows + r)] = static_cast<int16_t>(p[r * cols + c] - zp);
  return t;
}

void conv_transpose_q8(KernelContext& ctx) {
  const ConvTransposeShape s = conv_transpose_shape(ctx, ir::DataType::Int8);
  const int32_t zx = tensor_zero_point(ctx, 0), zy = ctx.qout(0).zero_point_at(0);
  const Window& w = s.w;
  const int64_t taps = w.kernel_size(), xin = w.out_size(), yout = w.in_size();
  const auto mult = channel_multipliers(ctx, 0, 1, s.m);
  const std::vector<int32_t> bias = int32_values(ctx.opt(2), s.m);
  const OutputClamp clamp = output_clamp(ctx);
  const int8_t* px = ctx.in(0).data<int8_t>();
  const int8_t* pw = ctx.in(1).data<int8_t>();
  int8_t* py = ctx.outputs[0].data<int8_t>();
  std::vector<int32_t> col(static_cast<size_t>(s.mg * taps * xin)), acc(static_cast<size_t>(s.mg * yout));
  for (int64_t g = 0; g < s.group; ++g) {
    // wt[(o·taps + t), ci] = W[g·cg + ci, o, t]: rows of the integer gemm.
    const std::vector<int16_t> wt = centered_transposed(pw + g * s.cg * s.mg * taps, s.cg, s.mg * taps, 0);
    for (int64_t img = 0; img < s.n; ++img) {
      const std::vector<int16_t> xt = centered_transposed(px + (img * s.c + g * s.cg) * xin, s.cg, xin, zx);
      qgemm_nt(wt.data(), s.mg * taps, xt.data(), xin, s.cg, col.data(), &ctx.pool);  // col[(o·taps + t), p]
      for (int64_t o = 0; o < s.mg; ++o) std::fill_n(acc.begin() + o * yout, yout, bias[static_cast<size_t>(g * s.mg + o)]);
      col2im(col.data(), s.mg, w, acc.data(), &ctx.pool);
      int8_t* yg = py + (img * s.m + g * s.mg) * yout;
      for (int64_t o = 0; o < s.mg; ++o) {
        const FixedMultiplier& m = mult[static_cast<size_t>(g * s.mg + o)];
        for (int64_t i = 0; i < yout; ++i) yg[o * yout + i] = clamp(zy + m.apply(acc[static_cast<size_t>(o * yout + i)]));
      }
    }
  }
}

RKNNC_QUANT_KERNEL("ConvTranspose", conv_transpose_q8);

}  // namespace
}  // namespace rknnc::runtime::kernels
