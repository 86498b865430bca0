#pragma once
// A convolution's input padded once (with zeros, or an int8 zero point) and
// split into stride phases (for stride s along a dim, s planes of every s-th
// row / column; one phase for stride 1), so that along each dim consecutive
// outputs read consecutive values of one phase. Output (od, oh, ow) is
// column od*Hq*Wq + oh*Wq + ow, Dq x Hq x Wq being the phase planes' shape,
// and row (c, tap) of the im2col matrix is the values from
//   data + offsets[c * taps + tap]
// so the padded image is its own im2col matrix, read in place. The columns
// between two output rows (ow >= out width) compute values nobody reads.
// Rows stay in the im2col order (channel outer, tap inner).
// Used by the fp32 Conv (PaddedImage) and the int8 one (conv_q8.cpp).
#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "runtime/kernels/helpers/scratch.h"
#include "runtime/kernels/helpers/window.h"
#include "runtime/thread_pool.h"

namespace rknnc::runtime::kernels {

// A phase plane's extent along dim d: the padded extent over the stride, rounded up.
int64_t phase_extent(const Window& w, int d);

template <typename T>
struct PaddedPhases {
  // `channels` planes of w.in_size() values, `plane` values apart (0: w.in_size();
  // a band of rows of a larger image: its plane); `slack` more `pad` values
  // after the last channel, for reads of whole vectors past the last column.
  // The storage is reused by the next build (grown, never shrunk).
  void build(const T* image, int64_t channels, const Window& w, T pad, int64_t slack, ThreadPool* pool,
             int64_t plane = 0);
  // First column of output row r (r = od * out height + oh).
  int64_t column_of(int64_t r) const { return r / out_h * q[1] * q[2] + r % out_h * q[2]; }

  std::vector<T, UninitAllocator<T>> data;  // channels x phases x plane, then the slack
  std::vector<int64_t> offsets;   // per im2col row (channel, tap)
  std::array<int64_t, 3> q{};     // a phase plane's shape (Dq, Hq, Wq)
  int64_t phase = 0, channel = 0;  // values of a phase plane, of a channel's phases
  int64_t out_h = 1;

 private:
  void copy_row(const T* src, const Window& w, int64_t c, int64_t d, int64_t h);
};

// The columns [q0, q0 + n) of an image `pitch` columns a row that are
// outputs (ow < ow_n): fn(first, len, pixel) for each run of them, `first`
// counted from q0, `pixel` = oh·ow_n + ow.
template <typename Fn>
void output_runs(int64_t q0, int64_t n, int64_t pitch, int64_t ow_n, Fn&& fn) {
  for (int64_t q = q0; q < q0 + n;) {
    const int64_t oh = q / pitch, ow = q % pitch, row_end = oh * pitch + pitch;
    if (ow < ow_n) fn(q - q0, std::min(ow_n - ow, q0 + n - q), oh * ow_n + ow);
    q = row_end;
  }
}

}  // namespace rknnc::runtime::kernels
