#pragma once
// Depthwise int8 Conv (one input and one output channel per group) on one
// image, requantised per channel. 2-D windows with column stride 1 or 2 and
// no column dilation run quads of taps on an unsigned copy of each channel on
// AVX-512 VNNI (qdepthwise_vnni.h; small planes sixteen channels at a time,
// qdepthwise_lanes.h), pairs of taps on an int16 copy on AVX2
// (qdepthwise_avx2.h); elsewhere windows with stride 1 or 2 and no dilation
// run a direct loop on a zero-padded int16 copy (SSE2 pmaddwd on pairs of
// horizontal taps, eight outputs per step), other windows the generic
// depthwise_conv. All give exact int32 sums.
#include <cstdint>

#include "runtime/kernels/helpers/qdepthwise_lanes.h"
#include "runtime/kernels/helpers/qquad.h"
#include "runtime/kernels/helpers/qrequant.h"
#include "runtime/kernels/helpers/window.h"

namespace rknnc::runtime::kernels {

// The channels qdepthwise runs together (16 with the channels in vector
// lanes, else 1): ranges of whole groups split no group.
int64_t qdepthwise_channels(const Window& win, QuadIsa isa, const LaneDepthwise* lanes);

// y[c] for channels [c0, c1): x int8 planes with zero point zx, w[c·taps + k]
// symmetric int8 weights, plan as built for those weights; `isa` picks the
// requantisation loop (requant_row_on), all giving the same bytes. With
// `lanes` (prepared for this layer) on Vnni, the small planes' groups of
// sixteen narrow channels run in vector lanes.
void qdepthwise(const int8_t* x, int32_t zx, const int8_t* w, const Window& win, const RequantPlan& plan, int8_t* y,
                int64_t c0, int64_t c1, QuadIsa isa = QuadIsa::Reference, const LaneDepthwise* lanes = nullptr);

}  // namespace rknnc::runtime::kernels
