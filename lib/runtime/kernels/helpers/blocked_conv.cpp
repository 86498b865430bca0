#include "runtime/kernels/helpers/blocked_conv.h"

#include <algorithm>
#include <numeric>

#include "runtime/kernels/helpers/fused_activation.h"
#include "runtime/kernels/helpers/scratch.h"

namespace rknnc::runtime::kernels {

BlockedWeights pack_blocked_weights(const float* w, const float* bias, int64_t m, int64_t c, int64_t taps) {
  BlockedWeights p;
  p.m = m, p.c = c, p.taps = taps;
  const int64_t mb = channel_blocks(m);
  p.w.assign(static_cast<size_t>(mb * c * taps * kChannelBlock), 0.0f);
  p.bias.assign(static_cast<size_t>(mb * kChannelBlock), 0.0f);
  for (int64_t o = 0; o < m; ++o) {
    float* dst = p.w.data() + (o / kChannelBlock) * c * taps * kChannelBlock + o % kChannelBlock;
    const float* src = w + o * c * taps;
    for (int64_t k = 0; k < c * taps; ++k) dst[k * kChannelBlock] = src[k];
    if (bias) p.bias[static_cast<size_t>(o)] = bias[o];
  }
  return p;
}

bool conv_blocked_supported(Isa isa) { return isa == Isa::Avx512; }

namespace {

// Outputs [o0, o1) of a row whose windows have the same taps inside the
// input along that dim: [k0, k1).
struct Span {
  int64_t o0, o1, k0, k1;
};

// Along spatial dim d: the runs of outputs with the same in-input taps.
std::vector<Span> spans(const Window& w, int d) {
  std::vector<Span> out;
  for (int64_t o = 0; o < w.out[d]; ++o) {
    const auto [k0, k1] = taps_inside(w, d, o);
    if (!out.empty() && out.back().k0 == k0 && out.back().k1 == k1) out.back().o1 = o + 1;
    else out.push_back({o, o + 1, k0, k1});
  }
  return out;
}

// Whether the window pads its rows or columns.
bool padded_2d(const Window& w) { return w.pad_begin[1] || w.pad_begin[2] || w.pad_end[1] || w.pad_end[2]; }

// A 1x1 stride-1 window without padding reads pixel p for output p: its
// plane is one long row, so tiles run across the rows.
Window flattened(const Window& w) {
  const bool flat = w.kernel[1] == 1 && w.kernel[2] == 1 && w.stride[1] == 1 && w.stride[2] == 1 && !padded_2d(w);
  if (!flat) return w;
  Window f = w;
  f.in = {1, 1, w.in[1] * w.in[2]};
  f.out = {1, 1, w.out[1] * w.out[2]};
  return f;
}

// Output channel blocks split evenly into groups of at most 4 (a tile's B).
std::vector<std::pair<int64_t, int64_t>> block_groups(int64_t blocks) {
  const int64_t n = (blocks + 3) / 4;
  std::vector<std::pair<int64_t, int64_t>> g;
  for (int64_t i = 0, b = 0; i < n; ++i) {
    const int64_t size = blocks / n + (i < blocks % n ? 1 : 0);
    g.emplace_back(b, size);
    b += size;
  }
  return g;
}

// About this many output pixels a task: its weights' K block is read from
// L2 once for all its tiles.
constexpr int64_t kBandPixels = 192;
// A K block's weights of one group of output blocks stay within this (L2).
constexpr int64_t kWeightBlockBytes = 160 << 10;

// A task's outputs: rows [r0, r1) x columns [o0, o1).
struct Band {
  int64_t r0, r1, o0, o1;
};

// The tasks' outputs: bands of whole rows of about kBandPixels outputs, or
// of a single row (a flattened 1x1 window) runs of a multiple of `unit`
// (the groups' tile widths); smaller when that would leave fewer than
// `min_bands` (a 1x1 384->64 on 14x14, one group, had run as bands of 192
// and 4 outputs: no faster on two threads than on one).
std::vector<Band> task_bands(const Window& w, int64_t min_bands, int64_t unit) {
  std::vector<Band> bands;
  if (w.out[1] == 1) {
    const int64_t per = std::min(kBandPixels, (w.out[2] + min_bands - 1) / min_bands);
    const int64_t step = std::max<int64_t>(unit, (per + unit - 1) / unit * unit);
    for (int64_t o = 0; o < w.out[2]; o += step) bands.push_back({0, 1, o, std::min(w.out[2], o + step)});
    return bands;
  }
  const int64_t per = std::min((kBandPixels + w.out[2] - 1) / w.out[2], (w.out[1] + min_bands - 1) / min_bands);
  const int64_t rows = std::max<int64_t>(1, per);
  for (int64_t r = 0; r < w.out[1]; r += rows) bands.push_back({r, std::min(w.out[1], r + rows), 0, w.out[2]});
  return bands;
}

struct Layer {
  Window w;  // flattened() when 1x1; without padding when gathered (read from the padded copy)
  const BlockedWeights& wt;
  ConvImage in;
  float* y;
  const float* res;  // added to the outputs after the activation (res_first: before it), or null
  bool res_first;
  const FusedActivation* act;
  StoreClamp clamp;
  int64_t ps, cshift, cmask, cstride, ystride;  // pixel step, channel addressing, output block step
  bool gathered;  // the outputs as one flat list, each tile's windows at their own starts
};

// Tiles over a line of n outputs from (oh, ow), along its row or down its
// column, whose windows all have the taps kh in `rows`, kw in `cols`, or
// (gathered) over outputs [i, i + n) of the flat list, every window with
// all its taps. Lines down a column take the narrow spans of a row's
// edges: in tiles of one or two outputs along the row, 14x14 planes had
// spent a quarter of a 3x3 layer's time on their two edge columns.
struct Lines {
  const Layer& L;
  DirectTile t;
  int64_t nb, rmax;
  std::vector<int64_t> scratch;  // a tile's tap offsets, weight rows, offsets from the line's first window
  int64_t roff[kMaxTilePixels];  // a tile's window starts from its first's
  bool act_pass;  // the activation runs on each tile's outputs after it (not a store clamp)
  const float* res_after = nullptr;  // with act_pass: the residual, added after the activation

  Lines(const Layer& layer, int64_t b0, int64_t blocks, int64_t c0, int64_t c1)
      : L(layer), nb(blocks), rmax(direct_tile_pixels(blocks)),
        scratch(static_cast<size_t>(3 * layer.wt.taps)) {
    t.x = L.in.x, t.cshift = L.cshift, t.cmask = L.cmask, t.cstride = L.cstride, t.roff = roff;
    t.toff = scratch.data(), t.tw = scratch.data() + L.wt.taps, t.c0 = c0, t.c1 = c1;
    t.wstride = L.wt.c * L.wt.taps * kChannelBlock, t.taps = L.wt.taps;
    t.w = L.wt.w.data() + b0 * t.wstride;
    t.ystride = L.ystride, t.bias = L.wt.bias.data() + b0 * kChannelBlock;
    t.first = c0 == 0, t.last = c1 == L.wt.c, t.clamp = L.clamp;
    t.y = L.y + b0 * L.ystride;
    act_pass = t.last && L.act && !store_clamp_covers(L.act);
    // the residual goes in the tiles, or (after the conv's own activation
    // when that runs as a pass) after that pass
    const float* res = t.last && L.res ? L.res + b0 * L.ystride : nullptr;
    t.res_first = L.res_first;
    t.res = act_pass && !L.res_first ? nullptr : res;
    res_after = act_pass && !L.res_first ? res : nullptr;
  }

  // The taps kh in `rows`, kw in `cols`, as offsets from a window's start (rel) and weight rows.
  void list_taps(const Span& rows, const Span& cols) {
    const Window& w = L.w;
    int64_t* rel = scratch.data() + 2 * L.wt.taps;
    int64_t* tws = scratch.data() + L.wt.taps;
    t.ntaps = 0;
    for (int64_t kh = rows.k0; kh < rows.k1; ++kh)
      for (int64_t kw = cols.k0; kw < cols.k1; ++kw) {
        rel[t.ntaps] = (kh * w.dilation[1] * w.in[2] + kw * w.dilation[2]) * L.ps;
        tws[t.ntaps++] = kh * w.kernel[2] + kw;
      }
  }

  // Floats from the input's start to output (h, c)'s window start (< 0 at
  // a top or left edge, whose taps there are not listed).
  int64_t window_at(int64_t h, int64_t c) const {
    return (window_start(L.w, 1, h) * L.w.in[2] + window_start(L.w, 2, c)) * L.ps;
  }

  // One tile of m outputs, output 0 at y + at floats, its window at `start`.
  void tile(int64_t m, int64_t start, int64_t at, DirectTileFn fn) {
    const int64_t* rel = scratch.data() + 2 * L.wt.taps;
    int64_t* off = scratch.data();
    for (int64_t k = 0; k < t.ntaps; ++k) off[k] = rel[k] + start;
    float* const y0 = t.y;
    const float* const res0 = t.res;
    t.y = y0 + at;
    if (res0) t.res = res0 + at;
    fn(t);
    for (int64_t b = 0; act_pass && b < nb; ++b)
      for (int64_t r = 0; r < m; ++r) {
        const int64_t o = b * L.ystride + r * t.ystep;
        L.act->apply(t.y + o, kChannelBlock);
        if (res_after)
          for (int64_t l = 0; l < kChannelBlock; ++l) t.y[o + l] += res_after[at + o + l];
      }
    t.y = y0;
    t.res = res0;
  }

  void run(int64_t oh, int64_t ow, int64_t n, bool down, const Span& rows, const Span& cols) {
    const Window& w = L.w;
    list_taps(rows, cols);
    const int64_t rstep = (down ? w.stride[1] * w.in[2] : w.stride[2]) * L.ps;
    for (int64_t r = 0; r < rmax; ++r) roff[r] = r * rstep;
    t.ystep = (down ? w.out[2] : 1) * kChannelBlock;
    const bool one_tap = L.wt.taps == 1 && t.ntaps == 1;
    const int64_t step = down ? 0 : rstep;
    const DirectTileFn full = direct_tile_avx512(nb, rmax, step, one_tap);
    for (int64_t i = 0; i < n;) {
      const int64_t m = std::min(rmax, n - i), h = down ? oh + i : oh, c = down ? ow : ow + i;
      tile(m, window_at(h, c), (h * w.out[2] + c) * kChannelBlock,
           m == rmax ? full : direct_tile_avx512(nb, m, step, one_tap));
      i += m;
    }
  }

  // Outputs [i0, i0 + n) of the flat list (gathered), all taps.
  void gather(int64_t i0, int64_t n) {
    const Window& w = L.w;
    list_taps({0, 0, 0, w.kernel[1]}, {0, 0, 0, w.kernel[2]});
    t.ystep = kChannelBlock;
    const bool one_tap = L.wt.taps == 1;
    const DirectTileFn full = direct_tile_avx512(nb, rmax, 0, one_tap);
    for (int64_t i = i0; i < i0 + n; i += rmax) {
      const int64_t m = std::min(rmax, i0 + n - i);
      const int64_t start = window_at(i / w.out[2], i % w.out[2]);
      for (int64_t r = 0; r < m; ++r) roff[r] = window_at((i + r) / w.out[2], (i + r) % w.out[2]) - start;
      tile(m, start, i * kChannelBlock, m == rmax ? full : direct_tile_avx512(nb, m, 0, one_tap));
    }
  }
};

// The band's outputs of output blocks [b0, b0 + nb), input channels [c0, c1):
// each row's spans of at least a tile's width along the row, the narrower
// ones (a padded window's edge columns) down their columns; gathered, the
// band's run of the flat list.
void run_band(const Layer& L, int64_t b0, int64_t nb, const Band& band, int64_t c0, int64_t c1,
              const std::vector<Span>& cols, const std::vector<Span>& rows) {
  Lines lines(L, b0, nb, c0, c1);
  if (L.gathered) return lines.gather(band.o0, band.o1 - band.o0);
  const bool one_row = band.r1 - band.r0 == 1;
  auto along = [&](const Span& col) { return one_row || col.o1 - col.o0 >= lines.rmax; };
  for (const Span& r : rows) {
    const int64_t h0 = std::max(r.o0, band.r0), h1 = std::min(r.o1, band.r1);
    for (const Span& all : cols) {
      const Span col{std::max(all.o0, band.o0), std::min(all.o1, band.o1), all.k0, all.k1};
      if (col.o0 >= col.o1) continue;
      if (along(col)) {
        for (int64_t oh = h0; oh < h1; ++oh) lines.run(oh, col.o0, col.o1 - col.o0, false, r, col);
      } else if (h1 > h0) {
        for (int64_t ow = col.o0; ow < col.o1; ++ow) lines.run(h0, ow, h1 - h0, true, r, col);
      }
    }
  }
}

// Windows whose outputs run as one flat list, each tile gathering its
// windows from their own starts, so that every tile is a full one: on rows
// of fewer than 14 outputs (3x3 512->512 on 7x7) most tiles along the rows
// or down the edge columns were short ones, and a strided 1x1 window's rows
// (1024->2048 from 14x14 to 7x7) end in a short tile each. A padded window
// reads a copy of the input with its padding as zeros (every window then
// has all its taps: a padding tap adds w * 0, as the NCHW gemm's do).
bool gathers(const Window& w, bool blocked) {
  if (!blocked || w.in[0] != 1 || w.out[0] != 1 || w.kernel[0] != 1) return false;
  if (w.kernel[1] == 1 && w.kernel[2] == 1) return !padded_2d(w) && (w.stride[1] > 1 || w.stride[2] > 1);
  return w.out[2] < 14;
}

// The blocked image with its padding as zeros, and the window reading it.
Window padded_copy(const float* x, int64_t blocks, const Window& w, std::vector<float>& out, ThreadPool& pool) {
  Window p = w;
  for (int d = 1; d < 3; ++d) {
    p.in[d] = w.in[d] + w.pad_begin[d] + w.pad_end[d];
    p.pad_begin[d] = p.pad_end[d] = 0;
  }
  const int64_t plane = p.in[1] * p.in[2] * kChannelBlock, row = w.in[2] * kChannelBlock;
  grow_to(out, static_cast<size_t>(blocks * plane));  // every value is written below
  pool.parallel_for(blocks, plane, [&](int64_t b, int64_t e) {
    for (int64_t blk = b; blk < e; ++blk) {
      float* d = out.data() + blk * plane;
      const float* src = x + blk * w.in_size() * kChannelBlock;
      for (int64_t h = 0; h < p.in[1]; ++h, d += p.in[2] * kChannelBlock) {
        const int64_t ih = h - w.pad_begin[1];
        if (ih < 0 || ih >= w.in[1]) {
          std::fill_n(d, p.in[2] * kChannelBlock, 0.0f);
          continue;
        }
        const int64_t left = w.pad_begin[2] * kChannelBlock;
        std::fill_n(d, left, 0.0f);
        std::copy_n(src + ih * row, row, d + left);
        std::fill_n(d + left + row, p.in[2] * kChannelBlock - left - row, 0.0f);
      }
    }
  });
  return p;
}

}  // namespace

void conv_blocked_f32(const ConvImage& in, const Window& window, const BlockedWeights& wt, float* y,
                      const FusedActivation* act, ThreadPool& pool, const float* residual, bool residual_first) {
  const bool gathered = gathers(window, in.blocked);
  thread_local std::vector<float> own_copy;
  std::vector<float>& copy = own_copy;  // the calling thread's: the workers' tiles read it through this reference
  Layer L{flattened(window), wt, in, y, residual, residual_first, act, store_clamp(act), 0, 0, 0, 0, 0, gathered};
  if (gathered && padded_2d(window)) {
    L.w = padded_copy(in.x, channel_blocks(wt.c), window, copy, pool);
    L.in.x = copy.data();
  }
  const Window& w = L.w;
  L.ps = in.blocked ? kChannelBlock : 1;
  L.cshift = in.blocked ? 4 : 0;
  L.cmask = in.blocked ? kChannelBlock - 1 : 0;
  L.cstride = w.in_size() * (in.blocked ? kChannelBlock : 1);
  L.ystride = w.out_size() * kChannelBlock;
  const std::vector<Span> cols = spans(w, 2), rows = spans(w, 1);
  const auto groups = block_groups(channel_blocks(wt.m));
  int64_t unit = 1;
  for (const auto& g : groups) unit = std::lcm(unit, direct_tile_pixels(g.second));
  Window list = w;  // the tasks' outputs: a gathered window's as one row
  if (gathered) list.out = {1, 1, w.out_size()};
  const std::vector<Band> bands =
      task_bands(list, (2 * pool.size() + std::ssize(groups) - 1) / std::ssize(groups), unit);
  const auto ngroups = static_cast<int64_t>(groups.size()), nbands = static_cast<int64_t>(bands.size());
  const int64_t cost = kBandPixels * 4 * kChannelBlock * wt.c * wt.taps;
  pool.parallel_for(ngroups * nbands, cost, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      const auto [b0, nb] = groups[static_cast<size_t>(i % ngroups)];
      const int64_t kc = std::max<int64_t>(
          1, kWeightBlockBytes / (nb * kChannelBlock * wt.taps * static_cast<int64_t>(sizeof(float))));
      const Band& band = bands[static_cast<size_t>(i / ngroups)];
      for (int64_t c0 = 0; c0 < wt.c; c0 += kc) run_band(L, b0, nb, band, c0, std::min(wt.c, c0 + kc), cols, rows);
    }
  });
}

}  // namespace rknnc::runtime::kernels
