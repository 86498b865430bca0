// Quantised Conv (arithmetic in conv_q8_reference.cpp). Prepared once per
// node: the requantisation plan and, per group, the weights packed in quads
// with their zero-point correction (depthwise: the lane loop's constants).
// Depthwise convs run qdepthwise (qdepthwise.h) on the prepared plan; the
// others im2col (int8, padded with zx; for most windows the padded image, in
// stride phases, read in place) and the quad product on AVX-512 VNNI or
// AVX2, band by band of output rows, requantised one channel row at a time.
#include <algorithm>
#include <numeric>
#include <vector>

#include "runtime/kernels/helpers/conv_loops.h"
#include "runtime/kernels/helpers/conv_shape.h"
#include "runtime/kernels/helpers/qdepthwise.h"
#include "runtime/kernels/helpers/padded_phases.h"
#include "runtime/kernels/helpers/qquad_gemm.h"
#include "runtime/kernels/helpers/qrequant_avx512.h"
#include "runtime/kernels/helpers/scratch.h"
#include "runtime/kernels/quant/q8_kernels.h"

namespace rknnc::runtime::kernels {
namespace {

constexpr int64_t kBandBytes = 96 * 1024;  // packed pixels of one band of output rows

// A window whose padded image, split into stride phases, is read in place
// (PaddedPhases): the columns of a phase row past the outputs, computed and
// dropped, are at most a seventh of a row. Stride 1: the (kernel width -
// 1)·dilation columns the window overhangs; 3x3 on 14x14 rows (2 of 16)
// beats its im2col copy (resnet50 int8 0.96x at one thread, 0.975x at two),
// on 7x7 rows (2 of 9) it does not (1.00x, 1.02x). Stride 2 drops a column
// or two (3x3 on 80 columns: 41-wide phases, 40 outputs). An RGB stem's
// phases are built before the bands, where its im2col runs band by band on
// both cores: a strided window of few channels takes the phases only when
// its im2col would be over four times its input (yolov5s's 6x6 stride-2
// stem: 9x, int8 0.96x at 2 threads; mobilenetv2's 3x3 one: 2.25x, 1.02x).
int64_t padded_row(const Window& w) { return phase_extent(w, 2); }
bool reads_padded_image(const Window& w, int64_t channels) {
  const bool plain_2d = w.in[0] == 1 && w.out[0] == 1 && w.kernel[0] == 1;
  const bool strided = w.stride[1] > 1 || w.stride[2] > 1;
  const bool im2col_large = w.kernel_size() > 4 * w.stride[1] * w.stride[2];
  return plain_2d && w.kernel_size() > 1 && 7 * (padded_row(w) - w.out[2]) <= w.out[2] &&
         (!strided || channels >= 16 || im2col_large);
}

struct ConvQ8State : PreparedState {
  bool valid = false;  // the weight fits the node; otherwise conv_shape fails first
  RequantPlan plan;
  std::vector<QuadWeights> groups;  // empty for depthwise
  std::unique_ptr<LaneDepthwise> lanes;  // 2-D depthwise on a CPU with the lane loop
};

// A narrow channel's bias (acc + bias fits int32) goes into its quad
// correction, so the tiles hand over acc + bias (modulo 2^32 on the way,
// exact at the end) and requantisation has an addition fewer per vector.
void fold_narrow_biases(RequantPlan& plan, std::vector<QuadWeights>& groups, int64_t mg) {
  for (size_t g = 0; g < groups.size(); ++g)
    for (int64_t c = 0; c < mg; ++c) {
      ChannelRequant& ch = plan.channel[g * static_cast<size_t>(mg) + static_cast<size_t>(c)];
      if (!ch.narrow || ch.bias == 0) continue;
      int32_t& corr = groups[g].corr[static_cast<size_t>(c)];
      corr = static_cast<int32_t>(static_cast<uint32_t>(corr) - static_cast<uint32_t>(ch.bias));
      ch.bias = 0;
    }
}

std::unique_ptr<PreparedState> prepare_conv_q8(const KernelContext& ctx) {
  auto st = std::make_unique<ConvQ8State>();
  const ir::Tensor* wt = ctx.opt(1);
  const ir::Tensor* bias = ctx.opt(2);
  const int64_t group = ctx.attrs().get_int("group", 1);
  if (!wt || wt->dtype() != ir::DataType::Int8 || wt->shape().size() < 3 || group <= 0) return st;
  const int64_t m = wt->shape()[0], cg = wt->shape()[1], k_len = wt->numel() / std::max<int64_t>(m, 1);
  if (m == 0 || m % group != 0 || (bias && bias->numel() != m)) return st;
  const int8_t* pw = wt->data<int8_t>();
  st->plan = requant_plan(ctx, pw, m, k_len);
  const int64_t mg = m / group;
  const int32_t zx = tensor_zero_point(ctx, 0);
  if (cg == 1 && mg == 1 && wt->shape().size() == 4 && LaneDepthwise::available())
    st->lanes = std::make_unique<LaneDepthwise>(pw, m, wt->shape()[2], wt->shape()[3], zx, st->plan);
  if (!(cg == 1 && mg == 1)) {
    for (int64_t g = 0; g < group; ++g) st->groups.push_back(pack_quad_weights(pw + g * mg * k_len, mg, k_len, zx));
    fold_narrow_biases(st->plan, st->groups, mg);
  }
  st->valid = true;
  return st;
}

}  // namespace

void conv_q8_quad(KernelContext& ctx, QuadIsa isa) {
  const ConvShape s = conv_shape(ctx, ir::DataType::Int8, false);  // every output is requantised from its sum
  std::unique_ptr<PreparedState> local;
  const ConvQ8State& st = ctx.prepared<ConvQ8State>(prepare_conv_q8, local);
  if (!st.valid) ctx.fail("int8 Conv needs an int8 weight");
  const int32_t zx = tensor_zero_point(ctx, 0);
  const int8_t* px = ctx.in(0).data<int8_t>();
  const Window& w = s.w;
  const int64_t in = w.in_size(), out = w.out_size(), k_len = s.cg * w.kernel_size();
  int8_t* py = ctx.outputs[0].data<int8_t>();
  if (s.depthwise()) {
    const int8_t* pw = ctx.in(1).data<int8_t>();
    // Whole groups of the channels qdepthwise runs together, so no group is
    // split between threads.
    const int64_t unit = qdepthwise_channels(w, isa, st.lanes.get()), units = (s.m + unit - 1) / unit;
    for (int64_t img = 0; img < s.n; ++img)
      ctx.pool.parallel_for(units, unit * out * w.kernel_size(), [&](int64_t b, int64_t e) {
        qdepthwise(px + img * s.c * in, zx, pw, w, st.plan, py + img * s.m * out, b * unit, std::min(s.m, e * unit),
                   isa, st.lanes.get());
      });
    return;
  }
  if (zx < -128 || zx > 127) ctx.fail("input zero point {} is outside int8", zx);
  // Bands of output rows, each packed and multiplied by one thread while its
  // im2col and quads stay in L2; with few pixels (late layers), or bands too
  // short to fill a tile of two 16-pixel panels (7x7 images with long K: one
  // row of 7 pixels a band), the threads split one packed image instead.
  // Windows on wide enough rows skip im2col: the quads are packed
  // from the padded image in place, in stride phases, a phase row as wide as
  // the padded input over the stride.
  const bool padded = !s.pointwise() && reads_padded_image(w, s.cg);
  const int64_t rows = w.out[0] * w.out[1], quad_bytes = (k_len + 3) / 4 * 4;
  const int64_t width = padded ? padded_row(w) : w.out[2];  // pixels a row
  const int64_t threads = ctx.pool.size();
  const int64_t fit = std::clamp<int64_t>(kBandBytes / std::max<int64_t>(quad_bytes * width, 1), 1,
                                          std::max<int64_t>(rows / (4 * threads), 1));
  // Whole pairs of panels a band where a few rows fewer give them: a band's
  // odd last panel runs the one-panel tile, at about 2.6x a panel's cost in
  // a pair (56-pixel rows: 7 rows are 24.5 panels, 4 rows 7 pairs).
  const int64_t pair_rows = 2 * kQuadPanel / std::gcd(width, 2 * kQuadPanel);
  const int64_t band = fit >= pair_rows ? fit / pair_rows * pair_rows : fit;
  const int64_t bands = (rows + band - 1) / band;
  const auto pad = static_cast<int8_t>(zx);
  for (int64_t img = 0; img < s.n; ++img)
    for (int64_t g = 0; g < s.group; ++g) {
      const int8_t* xg = px + (img * s.c + g * s.cg) * in;
      int8_t* yg = py + img * s.m * out + g * s.mg * out;
      const QuadWeights& wg = st.groups[static_cast<size_t>(g)];
      thread_local PaddedPhases<int8_t> own_image;
      PaddedPhases<int8_t>& image = own_image;  // the calling thread's: the workers' bands read it through this reference
      // slack: the last panel of the last channel reads up to a panel and the dropped columns past the planes
      if (padded) image.build(xg, s.cg, w, pad, (w.kernel[2] - 1) * w.dilation[2] + 64, &ctx.pool);
      auto sink_at = [&, g](int64_t first) -> QuadSink {
        if (padded)
          return [&, g, first](int64_t c, const int32_t* acc, int64_t p0, int64_t n) {
            output_runs(first + p0, n, width, w.out[2], [&](int64_t i, int64_t len, int64_t pixel) {
              requant_row_on(isa, st.plan, g * s.mg + c, acc + i, len, yg + c * out + pixel);
            });
          };
        return [&, g, first](int64_t c, const int32_t* acc, int64_t p0, int64_t n) {
          requant_row_on(isa, st.plan, g * s.mg + c, acc, n, yg + c * out + first + p0);
        };
      };
      // Per thread, reused by every layer: growing them is their only cost (no zeroing, no page faults).
      thread_local std::vector<int8_t> col;
      thread_local QuadPixels xq;
      // The quads of output rows [r0, r1) on the calling thread, or of the
      // whole image split over `pool` (then r0 = 0, r1 = rows).
      auto pack = [&](int64_t r0, int64_t r1, ThreadPool* pool) {
        const int64_t n = (r1 - r0) * width;
        if (s.pointwise()) return pack_quad_pixels(xg + r0 * width, k_len, n, out, xq, pool);
        if (padded) return pack_quad_offsets(image.data.data() + r0 * width, image.offsets.data(), k_len, n, xq, pool);
        grow_to(col, static_cast<size_t>(k_len * n));
        if (pool) im2col(xg, s.cg, w, col.data(), pool, pad);
        else im2col_rows(xg, s.cg, w, r0, r1, col.data(), pad);
        pack_quad_pixels(col.data(), k_len, n, n, xq, pool);
      };
      if (bands < 2 * threads || band * width < kQuadPanel * 2) {  // bands of under two panels: the whole image
        pack(0, rows, &ctx.pool);
        qquad_gemm(wg, xq, isa, sink_at(0), &ctx.pool);
        continue;
      }
      ctx.pool.parallel_for(bands, band * width * s.mg * k_len, [&](int64_t b, int64_t e) {
        for (int64_t i = b; i < e; ++i) {
          const int64_t r0 = i * band, r1 = std::min(rows, r0 + band);
          pack(r0, r1, nullptr);
          qquad_gemm(wg, xq, isa, sink_at(r0 * width), nullptr);
        }
      });
    }
}

RKNNC_PREPARED_QUANT_KERNEL("Conv", (by_quad_isa<conv_q8_reference, conv_q8_quad>), prepare_conv_q8,
                            0b110);

}  // namespace rknnc::runtime::kernels
