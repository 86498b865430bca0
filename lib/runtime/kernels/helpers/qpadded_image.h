#pragma once
// The int8 image of a stride-1 window padded once with the input zero point,
// rows as wide as the padded input (`pitch`). Output pixel q = oh·pitch + ow
// then reads tap k = (c, kh, kw) at data[off[k] + q]: the image is its own
// im2col matrix, read in place by the quad packing (pack_quad_offsets), and
// the (kw - 1)·dilation columns past each output row are computed and
// dropped (output_runs). Used where those columns are a small part of a row.
#include <cstdint>
#include <vector>

#include "runtime/kernels/helpers/window.h"
#include "runtime/thread_pool.h"

namespace rknnc::runtime::kernels {

struct PaddedQ8 {
  // A 2-D window with stride 1 whose dropped columns are at most an eighth of a row.
  static bool suits(const Window& w);
  // Copies `channels` planes of x (in w's input shape) with the padding set to `pad`.
  void build(const int8_t* x, int64_t channels, const Window& w, int8_t pad, ThreadPool* pool);

  std::vector<int8_t> data;  // reused by every layer (grown, never cleared; build writes all it reads)
  std::vector<int64_t> off;  // per tap of the reduction (channel-major, as im2col)
  int64_t pitch = 0, plane = 0;
};

// The q-pixels [q0, q0 + n) that are outputs (ow < ow_n): fn(first, len,
// pixel) for each run of them, `first` counted from q0, `pixel` = oh·ow_n + ow.
template <typename Fn>
void output_runs(int64_t q0, int64_t n, int64_t pitch, int64_t ow_n, Fn&& fn) {
  for (int64_t q = q0; q < q0 + n;) {
    const int64_t oh = q / pitch, ow = q % pitch, row_end = oh * pitch + pitch;
    if (ow < ow_n) {
      const int64_t len = std::min(ow_n - ow, q0 + n - q);
      fn(q - q0, len, oh * ow_n + ow);
    }
    q = row_end;
  }
}

}  // namespace rknnc::runtime::kernels
