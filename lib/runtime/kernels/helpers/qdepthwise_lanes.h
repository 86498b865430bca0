#pragma once
// Depthwise int8 sums with sixteen channels in the lanes of a vector, on
// AVX-512 VNNI + VBMI. The per-channel loop (qdepthwise_vnni.h) pays a fixed
// cost per channel plane (copy, weights, a requantisation call) that small
// planes do not amortise (a 7x7 plane is 49 outputs); here one pass serves
// sixteen channels. The channels are copied pixel-major and unsigned
// (x + 128, padding zx + 128), so the 64 bytes at a pixel are four pixels x
// sixteen channels: one vpermb makes each channel's dword the four taps of a
// kernel row for one vpdpbusd. Sums are exact and requantised in the lanes
// with each lane's own channel constants; the bytes are those requant_row
// gives.
#include <cstdint>

#include "runtime/kernels/helpers/qrequant.h"
#include "runtime/kernels/helpers/window.h"

namespace rknnc::runtime::kernels {

constexpr int64_t kLaneChannels = 16;
// Input planes up to 32 x 32 values. On larger ones the per-channel loop's
// fixed cost is spread over enough outputs, and its sums and requantisation
// of sixteen outputs of one channel are cheaper than sixteen channels' with
// the channels' own constants and the transposes (mobilenetv2, one thread:
// 7x7 planes 72 -> 43 us, 14x14 75 -> 63 us, 28x28 77 -> 66 us, but 56x56
// 181 -> 188 us and a stride-2 56x56 input 60 -> 86 us).
constexpr int64_t kLanePlaneLimit = 32 * 32;

// 2-D windows without column dilation on a zero point inside int8, input
// planes up to kLanePlaneLimit values, on a CPU with AVX-512 VNNI and VBMI.
bool lanes_depthwise_fits(const Window& w, int32_t zx);

// y[c] for the channels [c0, c0 + n), n <= 16, every one of them narrow in
// plan (ChannelRequant::narrow): x int8 planes with zero point zx, w[c·taps +
// k] symmetric int8 weights, as qdepthwise.
void qdepthwise_lanes(const int8_t* x, int32_t zx, const int8_t* w, const Window& win, const RequantPlan& plan,
                      int8_t* y, int64_t c0, int64_t n);

}  // namespace rknnc::runtime::kernels
