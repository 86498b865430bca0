#pragma once
// The fp32 im2col matrix of a convolution read in place from the image's
// padded stride phases (PaddedPhases: no im2col copy at all). Each output is
// the same fma chain as through Im2colPanels; only the real outputs reach y.
#include <vector>

#include "runtime/kernels/helpers/packed_gemm.h"
#include "runtime/kernels/helpers/padded_phases.h"
#include "runtime/kernels/helpers/window.h"

namespace rknnc::runtime::kernels {

class PaddedImage {
 public:
  // `channels` planes of w.in_size() floats; `lanes`: the tile kernel's vector
  // width; `pool` (may be null) splits the copy by channel.
  PaddedImage(const float* image, int64_t channels, const Window& w, int64_t lanes, ThreadPool* pool);

  // Whether this beats packing im2col panels for a window: a kernel wider
  // than 1x1 whose padded columns are not many more than its outputs.
  static bool suits(const Window& w);

  // y[m x outputs] = (C starts per the epilogue) + A · matrix. Output rows
  // of whole vectors go through the tiles row by row, straight into y;
  // others in bands of rows: each band's padded columns through a scratch
  // of at most about 2 MB (a whole layer's would add its size to the peak
  // memory), then its real outputs into y.
  void convolve(const AMatrix& a, float* y, const GemmEpilogue& epilogue, ThreadPool* pool) const;

 private:
  class Band;
  void convolve_rows(const AMatrix& a, float* y, const GemmEpilogue& epilogue, ThreadPool* pool) const;
  void convolve_bands(const AMatrix& a, float* y, const GemmEpilogue& epilogue, ThreadPool* pool) const;

  const Window& w_;
  int64_t lanes_ = 1;
  // Zeros after the last channel to read whole vectors past the last column.
  // Made per layer, not kept per thread: kept, the largest layer's image
  // (yolov5s: 13 MB) would add to the peak memory of every later layer.
  PaddedPhases<float> phases_;
};

}  // namespace rknnc::runtime::kernels
