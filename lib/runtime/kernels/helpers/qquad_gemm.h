#pragma once
// The quad product (qquad.h) tiled over 8-channel weight blocks and 16-pixel
// panels, the int32 sums handed to a sink one channel row at a time. Threads
// split the panels (or the channel blocks when there are few panels); every
// sum is exact, so neither the split nor the instruction set changes a bit.
#include <functional>

#include "runtime/kernels/helpers/qquad.h"

namespace rknnc::runtime::kernels {

// sink(c, acc, p0, n): acc[i] = Σ_k w[c][k]·(x[k][p0 + i] - zx) for i < n.
using QuadSink = std::function<void(int64_t c, const int32_t* acc, int64_t p0, int64_t n)>;

// isa must be Avx2 or Vnni (and supported by this CPU).
void qquad_gemm(const QuadWeights& w, const QuadPixels& x, QuadIsa isa, const QuadSink& sink, ThreadPool* pool);

// The micro-kernels (qquad_tiles.cpp): rows[r·stride + i] for r < 8 and
// i < 16·np (np = 1 or 2 panels, the second `panel_bytes` after the first).
using QuadTileFn = void (*)(const uint8_t* x, int64_t panel_bytes, int np, const int8_t* w, int64_t quads,
                            const int32_t* corr, int32_t* rows, int64_t stride);
QuadTileFn quad_tile(QuadIsa isa);

// The same sums for the first n pixels of one panel (n < kFewPixels), for
// products of a few pixels; nullptr where the panel tile is the only one.
constexpr int64_t kFewPixels = 4;
using QuadFewPixelsFn = void (*)(const uint8_t* x, int64_t n, const int8_t* w, int64_t quads, const int32_t* corr,
                                 int32_t* rows, int64_t stride);
QuadFewPixelsFn quad_few_pixels(QuadIsa isa);

}  // namespace rknnc::runtime::kernels
