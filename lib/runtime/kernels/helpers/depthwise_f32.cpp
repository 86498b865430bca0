#include "runtime/kernels/helpers/depthwise_f32.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "runtime/kernels/helpers/fused_activation.h"
#include "runtime/kernels/helpers/scratch.h"

namespace rknnc::runtime::kernels {
namespace {

RowFmaFn row_fma_for(Isa isa) {
  switch (isa) {
    case Isa::Avx512: return row_fma_avx512;
    case Isa::Avx2: return row_fma_avx2;
    case Isa::Generic: break;
  }
  return row_fma_generic;
}

RowFma3Fn row_fma3_for(Isa isa) {
  switch (isa) {
    case Isa::Avx512: return row_fma3_avx512;
    case Isa::Avx2: return row_fma3_avx2;
    case Isa::Generic: break;
  }
  return row_fma3_generic;
}

struct BlockPath {
  int64_t lanes;
  DwPixelsFn pixels;
  PixelMajorFn to_pixels, from_pixels;
};

BlockPath block_path(Isa isa) {
  switch (isa) {
    case Isa::Avx512: return {16, dw_pixels_avx512, to_pixel_major_avx512, from_pixel_major_avx512};
    case Isa::Avx2: return {8, dw_pixels_avx2, to_pixel_major_avx2, from_pixel_major_avx2};
    case Isa::Generic: break;
  }
  return {1, nullptr, nullptr, nullptr};
}

// Output row by output row, vectors along the row (the generic path).
void depthwise_rows(const float* x, const float* weight, const float* bias, const Window& w, float* y, int64_t c0,
                    int64_t c1, Isa isa) {
  const RowFmaFn row_fma = row_fma_for(isa);
  const RowFma3Fn row_fma3 = row_fma3_for(isa);
  const int64_t taps = w.kernel_size(), in = w.in_size(), ow_n = w.out[2], s = w.stride[2];
  const std::vector<WindowTap> tap = window_taps(w);
  const bool rows_of_3 = w.kernel[2] == 3 && s == 1;  // the common 3-wide kernel: three taps per pass
  for (int64_t c = c0; c < c1; ++c) {
    const float* xc = x + c * in;
    const float* wc = weight + c * taps;
    for (int64_t od = 0; od < w.out[0]; ++od)
      for (int64_t oh = 0; oh < w.out[1]; ++oh) {
        float* d = y + c * w.out_size() + (od * w.out[1] + oh) * ow_n;
        std::fill_n(d, ow_n, bias ? bias[c] : 0.0f);
        for (int64_t k = 0; k < taps; k += rows_of_3 ? 3 : 1) {
          const WindowTap* t = &tap[static_cast<size_t>(k)];
          const int64_t row = window_tap_row(w, *t, od, oh);
          if (row < 0) continue;  // the same for a row of 3
          const float* src = xc + row * w.in[2];
          auto one_tap = [&](int64_t j, int64_t lo, int64_t hi) {  // tap k + j on outputs [lo, hi)
            if (hi > lo) row_fma(d + lo, src + t[j].off + lo * s, s, wc[k + j], hi - lo);
          };
          if (!rows_of_3) {
            one_tap(0, t->lo, t->hi);
            continue;
          }
          // outputs inside all three taps in one pass; the edges tap by tap, still in tap order per output
          const int64_t lo = std::max({t[0].lo, t[1].lo, t[2].lo}), hi = std::min({t[0].hi, t[1].hi, t[2].hi});
          if (lo >= hi) {
            for (int64_t j = 0; j < 3; ++j) one_tap(j, t[j].lo, t[j].hi);
            continue;
          }
          for (int64_t j = 0; j < 3; ++j) {
            one_tap(j, t[j].lo, std::min(t[j].hi, lo));
            one_tap(j, std::max(t[j].lo, hi), t[j].hi);
          }
          row_fma3(d + lo, src + t[0].off + lo, 1, w.dilation[2], wc + k, hi - lo);
        }
      }
  }
}

// Bytes of pixel-major input and output rows a band keeps in cache: the
// block's whole plane (a 32x112x112 layer: 1.6 MB a block) left L2 between
// the copy in, the taps and the copy out.
constexpr int64_t kDepthwiseBandBytes = 128 << 10;

// A band of output rows [q0, q1) (depth-major row index) and the input rows
// [r0, r1) its taps read. 2-D windows run in bands of about kDepthwiseBandBytes;
// 3-D ones as one band.
struct DwBand {
  int64_t q0, q1, r0, r1;
};

int64_t band_out_rows(const Window& w, int64_t L) {
  if (w.out[0] != 1 || w.in[0] != 1) return w.out[0] * w.out[1];
  const int64_t row_bytes = (w.stride[1] * w.in[2] + w.out[2]) * L * static_cast<int64_t>(sizeof(float));
  return std::clamp<int64_t>(kDepthwiseBandBytes / std::max<int64_t>(row_bytes, 1), 1, w.out[1]);
}

DwBand dw_band(const Window& w, int64_t q0, int64_t rows) {
  if (w.out[0] != 1 || w.in[0] != 1) return {0, w.out[0] * w.out[1], 0, w.in[0] * w.in[1]};
  const int64_t q1 = std::min(w.out[1], q0 + rows);
  const int64_t r0 = std::clamp<int64_t>(window_start(w, 1, q0), 0, w.in[1]);
  const int64_t last = window_start(w, 1, q1 - 1) + (w.kernel[1] - 1) * w.dilation[1] + 1;
  return {q0, q1, r0, std::clamp<int64_t>(last, r0, w.in[1])};
}

// Blocks of L channels, pixel-major (DwPixelsFn), band by band of output rows.
// Per output row, the outputs inside every tap of the row run in one call;
// the edge outputs one by one with the taps that reach them, so each output
// sees the in-input taps in order.
void depthwise_blocks(const float* x, const float* weight, const float* bias, const Window& w, float* y, int64_t c0,
                      int64_t c1, const BlockPath& path, const FusedActivation* act) {
  const StoreClamp clamp = store_clamp(act);
  const int64_t L = path.lanes, taps = w.kernel_size(), in = w.in_size(), out = w.out_size();
  const int64_t ow_n = w.out[2], s = w.stride[2], band_rows = band_out_rows(w, L);
  const int64_t band_in_rows = (band_rows - 1) * w.stride[1] + (w.kernel[1] - 1) * w.dilation[1] + 1;
  const int64_t band_in = std::min(in, band_in_rows * w.in[2]);
  const std::vector<WindowTap> tap = window_taps(w);
  thread_local Scratch scratch;
  float* xt = scratch.floats(static_cast<size_t>((band_in + std::min(out, band_rows * ow_n) + taps + 1) * L));
  float* yt = xt + band_in * L;
  float* wt = yt + std::min(out, band_rows * ow_n) * L;
  float* bt = wt + taps * L;
  std::vector<DwTap> row(static_cast<size_t>(taps)), edge(static_cast<size_t>(taps));
  std::vector<size_t> row_tap(static_cast<size_t>(taps));  // index into `tap` of each row tap
  for (int64_t c = c0; c < c1; c += L) {
    const int64_t ch = std::min(L, c1 - c);
    path.to_pixels(weight + c * taps, ch, taps, taps, wt);
    for (int64_t l = 0; l < L; ++l) bt[l] = bias && l < ch ? bias[c + l] : 0.0f;
    for (int64_t q = 0; q < w.out[0] * w.out[1]; q += band_rows) {
      const DwBand band = dw_band(w, q, band_rows);
      path.to_pixels(x + c * in + band.r0 * w.in[2], ch, (band.r1 - band.r0) * w.in[2], in, xt);
      for (int64_t qr = band.q0; qr < band.q1; ++qr) {
        const int64_t od = qr / w.out[1], oh = qr % w.out[1];
        int64_t nt = 0, lo = 0, hi = ow_n;
        for (size_t k = 0; k < tap.size(); ++k) {
          const int64_t r = window_tap_row(w, tap[k], od, oh);
          if (r < 0) continue;
          row[static_cast<size_t>(nt)] = {(r - band.r0) * w.in[2] + tap[k].off, static_cast<int64_t>(k)};
          row_tap[static_cast<size_t>(nt++)] = k;
          lo = std::max(lo, tap[k].lo);
          hi = std::min(hi, tap[k].hi);
        }
        float* yr = yt + (qr - band.q0) * ow_n * L;
        hi = std::max(lo, hi);
        if (hi > lo) path.pixels(yr + lo * L, xt + lo * s * L, row.data(), nt, wt, bt, s, hi - lo, clamp);
        for (int64_t o = 0; o < ow_n; ++o) {
          if (o >= lo && o < hi) {
            o = hi - 1;
            continue;
          }
          int64_t ne = 0;
          for (int64_t t = 0; t < nt; ++t) {
            const WindowTap& k = tap[row_tap[static_cast<size_t>(t)]];
            if (o >= k.lo && o < k.hi) edge[static_cast<size_t>(ne++)] = row[static_cast<size_t>(t)];
          }
          path.pixels(yr + o * L, xt + o * s * L, edge.data(), ne, wt, bt, s, 1, clamp);
        }
      }
      if (!store_clamp_covers(act)) act->apply(yt, (band.q1 - band.q0) * ow_n * L);
      path.from_pixels(yt, ch, (band.q1 - band.q0) * ow_n, out, y + c * out + band.q0 * ow_n);
    }
  }
}

}  // namespace

int64_t depthwise_channel_block(Isa isa) { return block_path(isa).lanes; }

void depthwise_conv_f32(const float* x, const float* weight, const float* bias, const Window& w, float* y, int64_t c0,
                        int64_t c1, Isa isa, const FusedActivation* act) {
  const BlockPath path = block_path(isa);
  const int64_t plane = std::max(w.in_size(), w.out_size());
  if (path.pixels && plane * path.lanes <= std::numeric_limits<int32_t>::max())
    return depthwise_blocks(x, weight, bias, w, y, c0, c1, path, act);
  depthwise_rows(x, weight, bias, w, y, c0, c1, isa);
  if (act && *act) act->apply(y + c0 * w.out_size(), (c1 - c0) * w.out_size());
}

}  // namespace rknnc::runtime::kernels
