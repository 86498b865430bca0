#pragma once
// The layout both vector depthwise loops read (qdepthwise_vnni.h on AVX-512
// VNNI, qdepthwise_avx2.h on AVX2): a channel's padded copy split into row
// phases (padded rows ≡ p mod stride_h), each row `pitch` values, a multiple
// of stride_w, read flat: output f = oh·per_row + ow reads tap row r, column
// t at value stride_w·f + t of phase (r·dilation_h) mod stride_h, (r·
// dilation_h) / stride_h rows on. The columns past OW of each flat row are
// computed and dropped.
#include <cstdint>
#include <vector>

#include "runtime/kernels/helpers/window.h"

namespace rknnc::runtime::kernels {

struct DepthwisePhases {
  // 2-D (or 1-D) windows without column dilation and column stride 1 or 2,
  // on int8 inputs of a zero point inside int8.
  static bool fits(const Window& w, int32_t zx);

  // Taps read `group` at a time (4: quads, 2: pairs), a kernel row's last
  // group padded with zero weights.
  DepthwisePhases(const Window& w, int64_t group);

  int64_t phases = 0;      // row phases: stride_h
  int64_t pitch = 0;       // values a row: every output's taps, a multiple of stride_w
  int64_t phase_rows = 0;  // rows of each phase
  int64_t per_row = 0;     // flat outputs a row: pitch / stride_w
  int64_t outputs = 0;     // flat outputs: OH·per_row
  int64_t groups = 0;      // groups of taps a kernel row
  std::vector<int64_t> offsets;  // per group (row-major): values from an output's first tap to the group's first
  int64_t values() const;  // of all phases
};

// Each kernel row's weights `group` taps to an int32 (4: bytes, 2: int16
// halves), the first tap in the low bits, zero weights past the row's end:
// out[r·groups + g] for the kh rows of kw taps at w, groups = ceil(kw / group).
void pack_tap_groups(const int8_t* w, int64_t kh, int64_t kw, int64_t group, int32_t* out);

}  // namespace rknnc::runtime::kernels
