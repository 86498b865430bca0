#pragma once
// The im2col matrix of a convolution read in place from a zero-padded copy
// of the image (no im2col copy at all). The padded image is split into
// stride phases (for stride s along a dim, s planes of every s-th row /
// column; one phase for stride 1), so that along each dim consecutive
// outputs read consecutive floats of one phase. Output (od, oh, ow) is
// column od*Hq*Wq + oh*Wq + ow, Dq x Hq x Wq being the phase planes' shape,
// and row (c, tap) of the matrix is the floats from
//   phases + c * channel stride + (tap's phase and offset inside it).
// The columns between two output rows (ow >= out width) compute values
// nobody reads; only the real outputs are copied to y. Rows stay in the im2col
// order (channel outer, tap inner), so each output is the same fma chain as
// through Im2colPanels.
#include <array>
#include <vector>

#include "runtime/kernels/helpers/packed_gemm.h"
#include "runtime/kernels/helpers/window.h"

namespace rknnc::runtime::kernels {

class PaddedImage {
 public:
  // `channels` planes of w.in_size() floats; `lanes`: the tile kernel's vector width.
  PaddedImage(const float* image, int64_t channels, const Window& w, int64_t lanes);

  // Whether this beats packing im2col panels for a window: a kernel wider
  // than 1x1 whose padded columns are not many more than its outputs.
  static bool suits(const Window& w);

  // y[m x outputs] = (C starts per the epilogue) + A · matrix, in bands of
  // output rows: each band's padded columns go through a scratch of at most
  // about 2 MB (a whole layer's would add its size to the peak memory), then
  // its real outputs into y.
  void convolve(const AMatrix& a, float* y, const GemmEpilogue& epilogue, ThreadPool* pool) const;

 private:
  class Band;
  void copy_row(const float* src, int64_t channel, int64_t d, int64_t h);
  // First column of output row r (r = od * out height + oh).
  int64_t column_of(int64_t r) const { return r / w_.out[1] * q_[1] * q_[2] + r % w_.out[1] * q_[2]; }

  const Window& w_;
  int64_t lanes_ = 1;
  std::array<int64_t, 3> q_{};  // a phase plane's shape (Dq, Hq, Wq)
  int64_t phase_ = 0, channel_ = 0;  // floats of a phase plane, of a channel's phases
  std::vector<float> phases_;     // channels x phases x plane, then zeros to read whole vectors past the last column
  std::vector<int64_t> offsets_;  // per im2col row (channel, tap)
};

}  // namespace rknnc::runtime::kernels
