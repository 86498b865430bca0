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
#include <vector>

#include "runtime/kernels/helpers/qrequant.h"
#include "runtime/kernels/helpers/window.h"

namespace rknnc::runtime::kernels {

constexpr int64_t kLaneChannels = 16;
// Input planes up to 32 x 32 values. On larger ones the per-channel loop's
// fixed cost is spread over enough outputs, and its sums and requantisation
// of sixteen outputs of one channel are cheaper than sixteen channels' with
// the channels' own constants and the transposes (mobilenetv2, one thread,
// per-channel loop -> lanes: 960 channels of 7x7 72 -> 28 us, 576 of 14x14
// 75 -> 53 us, 192 of 28x28 77 -> 65 us, but 144 of 56x56 175 -> 188 us and
// 96 of 56x56 from a stride-2 112x112 input 146 -> 213 us).
constexpr int64_t kLanePlaneLimit = 32 * 32;

// A depthwise layer's constants in lane order, prepared once per node: per
// group of sixteen channels the weight quads of each kernel row, the sums'
// starting values and the requantisation constants.
class LaneDepthwise {
 public:
  // This CPU has AVX-512 VNNI and VBMI.
  static bool available();

  // w[c·kh·kw + k]: the m channels' symmetric int8 weights; plan as built
  // for them; inputs of zero point zx (inside int8).
  LaneDepthwise(const int8_t* w, int64_t m, int64_t kh, int64_t kw, int32_t zx, const RequantPlan& plan);

  // A window of this layer's kernel the lane loop takes: 2-D, no column
  // dilation, input planes up to kLanePlaneLimit values.
  bool fits(const Window& w) const;
  // Every channel of group g (channels 16g..) is narrow (ChannelRequant::narrow).
  bool narrow(int64_t g) const { return narrow_[static_cast<size_t>(g)] != 0; }

  // y[c] for the channels of group g (x, y: the image's first planes).
  void run(const int8_t* x, const Window& win, int8_t* y, int64_t g) const;

 private:
  int64_t m_ = 0, kh_ = 0, kw_ = 0, quads_ = 0;  // quads: of a kernel row
  int32_t zx_ = 0, zy_ = 0, lo_ = 0, hi_ = 0;
  std::vector<int32_t> weights_;  // per group: [kh·quads][16]
  std::vector<int32_t> start_;    // per channel: -(zx + 128)·Σw
  std::vector<int32_t> bias_;     // per channel
  std::vector<int64_t> consts_;   // per group: mantissa, half, shift of the even then the odd channels, 8 each
  std::vector<char> narrow_;      // per group
};

}  // namespace rknnc::runtime::kernels
