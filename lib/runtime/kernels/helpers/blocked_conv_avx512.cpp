#include <immintrin.h>

#include <algorithm>
#include <array>
#include <utility>

#include "runtime/kernels/helpers/blocked_conv.h"
#include "runtime/kernels/helpers/store_clamp_avx512.h"

namespace rknnc::runtime::kernels {
namespace {

// The fmas of one (input channel, tap): acc[r][b] = fma(w[b], x[r * Step], acc[r][b]), or
// x[off[r]] without a constant step.
// (GCC broadcasts each x into a register once for its B fmas. An fma that
// broadcasts x from memory itself, vfmadd231ps m32{1to16}, as the gemm tile
// does for its weights, ran at a third of the speed here.)
template <int B, int R, int Step>
__attribute__((target("avx512f,fma"), always_inline)) inline void fma_step(__m512 (&acc)[R][B], const __m512 (&w)[B],
                                                                          const float* x, const int64_t (&off)[R]) {
  for (int r = 0; r < R; ++r) {
    const __m512 xv = _mm512_set1_ps(x[Step > 0 ? r * Step : off[r]]);
    for (int b = 0; b < B; ++b) acc[r][b] = _mm512_fmadd_ps(w[b], xv, acc[r][b]);
  }
}

// B x R accumulators of 16 output channels: B * R + B + 1 of the 32 zmm
// registers. Step: the outputs' input step in floats along a row of a
// blocked image at stride 1 or 2 (16 or 32: constant offsets), else 0
// (each output's window at its own offset, DirectTile::roff, and ystep; as
// constants 1 and 2, an RGB stem's NCHW steps, ran slower: yolov5s's 6x6
// stem 7.9 -> 10-14 ms). OneTap: a 1x1 window, whose channel loop has no
// tap loop inside.
template <int B, int R, int Step, bool OneTap>
__attribute__((target("avx512f,fma"))) void direct_tile(const DirectTile& t) {
  const int64_t ystep = Step > 0 ? 16 : t.ystep;  // the constant-step tiles run along a row
  int64_t off[R];
  for (int r = 0; r < R; ++r) off[r] = Step > 0 ? r * Step : t.roff[r];
  if (t.res)  // the residual's lines, read at the end: cold otherwise
    for (int b = 0; b < B; ++b)
      for (int r = 0; r < R; ++r) __builtin_prefetch(t.res + b * t.ystride + r * ystep, 0, 3);
  __m512 acc[R][B];
  for (int b = 0; b < B; ++b)
    for (int r = 0; r < R; ++r)
      acc[r][b] = t.first ? _mm512_loadu_ps(t.bias + b * 16) : _mm512_loadu_ps(t.y + b * t.ystride + r * ystep);
  const int64_t wstep = t.taps * 16;
  const float* wc = t.w + t.c0 * wstep + (OneTap ? t.tw[0] * 16 : 0);
  const float* xb = t.x + (t.c0 >> t.cshift) * t.cstride + (OneTap ? t.toff[0] : 0);  // the channel's block
  // Channel by channel in order, block by block: lane l of a block at xb + l.
  for (int64_t ic = t.c0, lane = t.c0 & t.cmask; ic < t.c1; xb += t.cstride, lane = 0) {
    const int64_t end = std::min(t.cmask + 1, lane + t.c1 - ic);
    for (; lane < end; ++lane, ++ic, wc += wstep) {
      const float* xc = xb + lane;
      __m512 wv[B];
      if constexpr (OneTap) {
        for (int b = 0; b < B; ++b) wv[b] = _mm512_loadu_ps(wc + b * t.wstride);
        fma_step<B, R, Step>(acc, wv, xc, off);
      } else {
        for (int64_t k = 0; k < t.ntaps; ++k) {
          const float* wk = wc + t.tw[k] * 16;
          for (int b = 0; b < B; ++b) wv[b] = _mm512_loadu_ps(wk + b * t.wstride);
          fma_step<B, R, Step>(acc, wv, xc + t.toff[k], off);
        }
      }
    }
  }
  const __m512 lo = _mm512_set1_ps(t.clamp.lo), hi = _mm512_set1_ps(t.clamp.hi);
  for (int b = 0; b < B; ++b)
    for (int r = 0; r < R; ++r) {
      const int64_t at = b * t.ystride + r * ystep;
      __m512 v = acc[r][b];
      if (t.res && t.res_first) v = _mm512_add_ps(v, _mm512_loadu_ps(t.res + at));
      if (t.last) v = clamp_avx512(v, t.clamp, lo, hi);
      if (t.res && !t.res_first) v = _mm512_add_ps(v, _mm512_loadu_ps(t.res + at));
      _mm512_storeu_ps(t.y + at, v);
    }
}

// Pixels a tile of 1..4 output blocks: 24 accumulators, but 12 for one
// block, where each fma needs its own broadcast (1x1 32->16 on 112x112 in
// a standalone loop: 0.167 ms with 24, 0.126 with 12).
constexpr int kTilePixels[5] = {0, 12, 12, 8, 6};
static_assert(kTilePixels[1] <= kMaxTilePixels && kTilePixels[2] <= kMaxTilePixels);

template <int B, int... R>
constexpr std::array<DirectTileFn, sizeof...(R)> tiles_of(std::integer_sequence<int, R...>) {
  return {&direct_tile<B, R + 1, 0, false>...};
}

const auto kTiles1 = tiles_of<1>(std::make_integer_sequence<int, kTilePixels[1]>{});
const auto kTiles2 = tiles_of<2>(std::make_integer_sequence<int, kTilePixels[2]>{});
const auto kTiles3 = tiles_of<3>(std::make_integer_sequence<int, kTilePixels[3]>{});
const auto kTiles4 = tiles_of<4>(std::make_integer_sequence<int, kTilePixels[4]>{});

template <int B, bool OneTap>
DirectTileFn full_tile(int64_t step) {
  constexpr int R = kTilePixels[B];
  switch (step) {
    case 16: return &direct_tile<B, R, 16, OneTap>;
    case 32: return &direct_tile<B, R, 32, OneTap>;
    default: return &direct_tile<B, R, 0, OneTap>;
  }
}

template <int B>
DirectTileFn full_tile(int64_t step, bool one_tap) {
  return one_tap ? full_tile<B, true>(step) : full_tile<B, false>(step);
}

}  // namespace

int64_t direct_tile_pixels(int64_t blocks) { return kTilePixels[blocks]; }

DirectTileFn direct_tile_avx512(int64_t blocks, int64_t pixels, int64_t step, bool one_tap) {
  const auto r = static_cast<size_t>(pixels - 1);
  const bool full = pixels == kTilePixels[blocks];
  switch (blocks) {
    case 1: return full ? full_tile<1>(step, one_tap) : kTiles1[r];
    case 2: return full ? full_tile<2>(step, one_tap) : kTiles2[r];
    case 3: return full ? full_tile<3>(step, one_tap) : kTiles3[r];
    default: return full ? full_tile<4>(step, one_tap) : kTiles4[r];
  }
}

}  // namespace rknnc::runtime::kernels
