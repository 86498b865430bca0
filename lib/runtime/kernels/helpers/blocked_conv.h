#pragma once
// Direct convolution on channel-blocked activations (NCHW16c: N, C/16, H, W,
// 16 channels per pixel; the layout the Executor keeps between convolutions,
// runtime/layout_plan.h). A tile computes R output pixels of B blocks of 16
// output channels: per (input channel, tap) it loads B weight vectors and
// broadcasts R input values, R x B fmas. The vector lanes run over output
// channels, so a 7x7 plane fills them as well as a 160x160 one, and the
// input is read where it is: no padded copy, no im2col, no transpose.
//
// Each output is its bias, then one fma per (input channel, tap) in im2col
// order (channel outer, tap inner) over the taps inside the input, as the
// gemm paths of conv.cpp compute it: the two layouts give the same bits.
#include <cstdint>
#include <vector>

#include "runtime/cpu_features.h"
#include "runtime/kernels/helpers/sgemm_tiles.h"
#include "runtime/kernels/helpers/window.h"
#include "runtime/thread_pool.h"

namespace rknnc::runtime {
struct FusedActivation;
}

namespace rknnc::runtime::kernels {

constexpr int64_t kChannelBlock = 16;  // channels per pixel vector of a blocked tensor
inline int64_t channel_blocks(int64_t c) { return (c + kChannelBlock - 1) / kChannelBlock; }

// A group-1 Conv's weights W[M][C][taps] packed once as [M/16][C][taps][16]
// (output channels past M zero) and its bias as [M/16][16] (0 when absent).
struct BlockedWeights {
  std::vector<float> w, bias;
  int64_t m = 0, c = 0, taps = 0;
};
BlockedWeights pack_blocked_weights(const float* w, const float* bias, int64_t m, int64_t c, int64_t taps);

// The image a direct convolution reads: NCHW16c blocks, or plain NCHW planes
// (a network's first convolution, whose input comes from outside).
struct ConvImage {
  const float* x;
  bool blocked;
};

// y (NCHW16c, w.out planes) = conv of one image `in` with `wt` over the 2-D window
// `w`, then the fused activation `act` when given, then + residual (NCHW16c
// like y) when given: the residual Add that alone reads the conv, fused
// (y = act(conv) + residual, the Add's value; with residual_first, the
// activation being the Add's, y = act(conv + residual)).
// Only where conv_blocked_supported(gemm_isa()).
void conv_blocked_f32(const ConvImage& in, const Window& w, const BlockedWeights& wt, float* y,
                      const FusedActivation* act, ThreadPool& pool, const float* residual = nullptr,
                      bool residual_first = false);

// Whether the direct convolution has tiles for `isa` (AVX-512 only).
bool conv_blocked_supported(Isa isa);

// One tile call (blocked_conv_<isa>.cpp). Channel ic of the input is at
// x + (ic >> cshift) * cstride + (ic & cmask); output r's window starts
// roff[r] floats after output 0's (r * the constant step of a tile along
// a row of a blocked image); tap t at toff[t] floats from a window's start,
// its weights at tw[t] vectors into a channel's taps.
struct DirectTile {
  const float* x;
  int64_t cshift, cmask, cstride;
  const int64_t* roff;
  const int64_t* toff;
  const int64_t* tw;
  int64_t ntaps;
  int64_t c0, c1;       // input channels of this K block
  const float* w;       // block 0's weights ([C][taps][16])
  int64_t wstride;      // floats between two output blocks' weights
  int64_t taps;         // taps per input channel in the packed weights
  float* y;             // output 0 of block 0
  int64_t ystride;      // floats between two output blocks' planes
  int64_t ystep;        // floats between two outputs (16 along a row; 16 x width down a column)
  const float* bias;    // block 0's 16 biases, read when `first`
  const float* res;     // when set (and `last`), added after the clamp (res_first: before it): laid out as y
  bool res_first;
  bool first, last;     // start from the bias (else from y); clamp (else store as is)
  StoreClamp clamp;
};
using DirectTileFn = void (*)(const DirectTile& t);
// The tile of `blocks` output blocks (1..4) and `pixels` outputs
// (1..direct_tile_pixels(blocks)) whose inputs are `step` floats apart
// along a row (16 or 32, constant; any other: DirectTile::roff); `one_tap`:
// the window has one tap (a 1x1 kernel).
DirectTileFn direct_tile_avx512(int64_t blocks, int64_t pixels, int64_t step, bool one_tap);
int64_t direct_tile_pixels(int64_t blocks);
constexpr int64_t kMaxTilePixels = 12;  // direct_tile_pixels of any block count

}  // namespace rknnc::runtime::kernels
