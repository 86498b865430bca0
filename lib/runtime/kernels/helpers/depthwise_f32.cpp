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

}  // namespace

// (Outside the anonymous namespace: DepthwisePlan::Impl holds them.)
struct BlockPath {
  int64_t lanes = 1;
  DwPixelsFn pixels = nullptr;
  PixelMajorFn to_pixels = nullptr, from_pixels = nullptr;
};

namespace {

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
}  // namespace

struct DwBand {
  int64_t q0, q1, r0, r1;
};

namespace {

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

}  // namespace

// Per output row (depth-major), its taps inside the input as offsets from
// its band's first input pixel: the outputs [lo, hi) inside every one of
// them, then the edge outputs, each with the taps that reach it, so that
// each output sees the in-input taps in order.
struct DepthwisePlan::Impl {
  Window w;
  Isa isa = Isa::Generic;
  BlockPath path;
  bool blocks = false;  // the vector path (else output rows)
  int64_t band_in = 0, band_out = 0;  // pixels of a band's input / output, at most
  struct Row {
    int64_t lo, hi;
    size_t tap0, ntaps, edge0, nedges;
  };
  struct Edge {
    int64_t o;
    size_t tap0, ntaps;
  };
  std::vector<DwBand> bands;
  std::vector<Row> rows;
  std::vector<Edge> edges;
  std::vector<DwTap> taps;

  void add_row(const std::vector<WindowTap>& tap, const DwBand& band, int64_t qr);
};

void DepthwisePlan::Impl::add_row(const std::vector<WindowTap>& tap, const DwBand& band, int64_t qr) {
  const int64_t od = qr / w.out[1], oh = qr % w.out[1], ow_n = w.out[2];
  Row r{0, ow_n, taps.size(), 0, edges.size(), 0};
  std::vector<size_t> row_tap;  // index into `tap` of each row tap
  for (size_t k = 0; k < tap.size(); ++k) {
    const int64_t in_row = window_tap_row(w, tap[k], od, oh);
    if (in_row < 0) continue;
    taps.push_back({(in_row - band.r0) * w.in[2] + tap[k].off, static_cast<int64_t>(k)});
    row_tap.push_back(k);
    r.lo = std::max(r.lo, tap[k].lo);
    r.hi = std::min(r.hi, tap[k].hi);
  }
  r.ntaps = taps.size() - r.tap0;
  r.hi = std::max(r.lo, r.hi);
  for (int64_t o = 0; o < ow_n; ++o) {
    if (o >= r.lo && o < r.hi) {
      o = r.hi - 1;
      continue;
    }
    Edge e{o, taps.size(), 0};
    for (size_t t = 0; t < r.ntaps; ++t) {
      const WindowTap& k = tap[row_tap[t]];
      if (o >= k.lo && o < k.hi) taps.push_back(DwTap(taps[r.tap0 + t]));
    }
    e.ntaps = taps.size() - e.tap0;
    edges.push_back(e);
  }
  r.nedges = edges.size() - r.edge0;
  rows.push_back(r);
}

DepthwisePlan::DepthwisePlan(const Window& w, Isa isa) : impl_(std::make_unique<Impl>()) {
  Impl& p = *impl_;
  p.w = w;
  p.isa = isa;
  p.path = block_path(isa);
  const int64_t plane = std::max(w.in_size(), w.out_size());
  p.blocks = p.path.pixels && plane * p.path.lanes <= std::numeric_limits<int32_t>::max();
  if (!p.blocks) return;
  const int64_t band_rows = band_out_rows(w, p.path.lanes);
  const int64_t band_in_rows = (band_rows - 1) * w.stride[1] + (w.kernel[1] - 1) * w.dilation[1] + 1;
  p.band_in = std::min(w.in_size(), band_in_rows * w.in[2]);
  p.band_out = std::min(w.out_size(), band_rows * w.out[2]);
  const std::vector<WindowTap> tap = window_taps(w);
  for (int64_t q = 0; q < w.out[0] * w.out[1]; q += band_rows) {
    p.bands.push_back(dw_band(w, q, band_rows));
    for (int64_t qr = p.bands.back().q0; qr < p.bands.back().q1; ++qr) p.add_row(tap, p.bands.back(), qr);
  }
}

DepthwisePlan::~DepthwisePlan() = default;

int64_t DepthwisePlan::channel_block() const { return impl_->path.lanes; }

namespace {

// One band of a block of L channels, pixel-major: xt holds its input rows,
// yt receives its output rows; each row as the plan says.
void band_pixels(const DepthwisePlan::Impl& p, const DwBand& band, const float* xt, float* yt, const float* wt,
                 const float* bt, const StoreClamp& clamp, const FusedActivation* act) {
  const int64_t L = p.path.lanes, ow_n = p.w.out[2], s = p.w.stride[2];
  for (int64_t qr = band.q0; qr < band.q1; ++qr) {
    const DepthwisePlan::Impl::Row& r = p.rows[static_cast<size_t>(qr)];
    float* yr = yt + (qr - band.q0) * ow_n * L;
    if (r.hi > r.lo)
      p.path.pixels(yr + r.lo * L, xt + r.lo * s * L, p.taps.data() + r.tap0, static_cast<int64_t>(r.ntaps), wt, bt,
                    s, r.hi - r.lo, clamp);
    for (size_t e = r.edge0; e < r.edge0 + r.nedges; ++e) {
      const DepthwisePlan::Impl::Edge& edge = p.edges[e];
      p.path.pixels(yr + edge.o * L, xt + edge.o * s * L, p.taps.data() + edge.tap0, static_cast<int64_t>(edge.ntaps),
                    wt, bt, s, 1, clamp);
    }
  }
  if (!store_clamp_covers(act)) act->apply(yt, (band.q1 - band.q0) * ow_n * L);
}

// Blocks of L channels, pixel-major (DwPixelsFn), band by band of output
// rows, each row as its plan says.
void depthwise_blocks(const float* x, const float* weight, const float* bias, const DepthwisePlan::Impl& p, float* y,
                      int64_t c0, int64_t c1, const FusedActivation* act) {
  const Window& w = p.w;
  const BlockPath& path = p.path;
  const StoreClamp clamp = store_clamp(act);
  const int64_t L = path.lanes, taps = w.kernel_size(), in = w.in_size(), out = w.out_size();
  const int64_t ow_n = w.out[2];
  thread_local Scratch scratch;
  float* xt = scratch.floats(static_cast<size_t>((p.band_in + p.band_out + taps + 1) * L));
  float* yt = xt + p.band_in * L;
  float* wt = yt + p.band_out * L;
  float* bt = wt + taps * L;
  for (int64_t c = c0; c < c1; c += L) {
    const int64_t ch = std::min(L, c1 - c);
    path.to_pixels(weight + c * taps, ch, taps, taps, wt);
    for (int64_t l = 0; l < L; ++l) bt[l] = bias && l < ch ? bias[c + l] : 0.0f;
    for (const DwBand& band : p.bands) {
      path.to_pixels(x + c * in + band.r0 * w.in[2], ch, (band.r1 - band.r0) * w.in[2], in, xt);
      band_pixels(p, band, xt, yt, wt, bt, clamp, act);
      path.from_pixels(yt, ch, (band.q1 - band.q0) * ow_n, out, y + c * out + band.q0 * ow_n);
    }
  }
}

}  // namespace

void depthwise_conv_f32(const float* x, const float* weight, const float* bias, const DepthwisePlan& plan, float* y,
                        int64_t c0, int64_t c1, const FusedActivation* act) {
  const DepthwisePlan::Impl& p = plan.impl();
  if (p.blocks) return depthwise_blocks(x, weight, bias, p, y, c0, c1, act);
  depthwise_rows(x, weight, bias, p.w, y, c0, c1, p.isa);
  if (act && *act) act->apply(y + c0 * p.w.out_size(), (c1 - c0) * p.w.out_size());
}

void depthwise_blocked_f32(const float* x, const float* w, const float* bias, const DepthwisePlan& plan, float* y,
                           const FusedActivation* act) {
  const DepthwisePlan::Impl& p = plan.impl();
  const StoreClamp clamp = store_clamp(act);
  const int64_t L = p.path.lanes;
  for (const DwBand& band : p.bands)
    band_pixels(p, band, x + band.r0 * p.w.in[2] * L, y + band.q0 * p.w.out[2] * L, w, bias, clamp, act);
}

bool depthwise_blocked_supported(const DepthwisePlan& plan) {
  return plan.impl().blocks && plan.impl().path.lanes == 16;
}

void depthwise_conv_f32(const float* x, const float* weight, const float* bias, const Window& w, float* y, int64_t c0,
                        int64_t c1, Isa isa, const FusedActivation* act) {
  depthwise_conv_f32(x, weight, bias, DepthwisePlan(w, isa), y, c0, c1, act);
}

}  // namespace rknnc::runtime::kernels
