#pragma once
// A Conv with a small output plane as the transposed gemm: output pixels as
// the rows of A (the im2col matrix read transposed), output channels as the
// columns of B (the weights kept K x channels), so the tiles' vector lanes
// run along the channels:
//   C'[pixel][channel] = bias + sum_k im2col[k][pixel] * W[channel][k],
// then C' is transposed into the NCHW output. A 7x7 plane (49 columns) fills
// 16-lane vectors badly along the pixels (the 49th column wastes 15 lanes),
// and well along 64..2048 channels. Each output is the same fma chain in k
// order, starting from the bias, as on the other paths: the same bytes.
#include <cstdint>
#include <vector>

#include "runtime/kernels/helpers/sgemm_tiles.h"
#include "runtime/kernels/helpers/window.h"
#include "runtime/thread_pool.h"

namespace rknnc::runtime {
struct FusedActivation;
}

namespace rknnc::runtime::kernels {

// Whether a conv of window `w` and `channels` output channels per group
// runs better this way on tile kernel `t`: a 1x1 kernel (its im2col matrix
// is the image, or a strided pick of it; a 3x3 one's is 9 times larger, and
// measured no faster) with a plane the pixel lanes fill worse than the
// channel lanes.
bool pixel_rows_suit(const Window& w, int64_t channels, const TileKernel& t);

// One group's weights (channels x k, row-major) as B: k x channels.
std::vector<float> pixel_rows_weights(const float* w, int64_t channels, int64_t k);

// y (channels x w.out_size()) for the `cin` input channels at x, on the
// tiles of `isa`; `pointwise`: 1x1, stride 1, no padding (x is its own
// im2col matrix). bias and act may be null.
void conv_pixel_rows(const float* x, int64_t cin, const Window& w, bool pointwise, const std::vector<float>& wt,
                     int64_t channels, const float* bias, const FusedActivation* act, float* y, ThreadPool& pool,
                     Isa isa);

}  // namespace rknnc::runtime::kernels
