#pragma once
// The fp32 im2col matrix of a convolution read in place from the image's
// padded stride phases (PaddedPhases: no im2col copy at all). Each output is
// the same fma chain as through Im2colPanels; only the real outputs reach y.
#include <vector>

#include "runtime/kernels/helpers/packed_gemm.h"
#include "runtime/kernels/helpers/padded_phases.h"
#include "runtime/kernels/helpers/window.h"

namespace rknnc::runtime::kernels {

// y (a.m planes of w.out_size() floats) = the convolution of `channels`
// planes of w.in_size() floats at `image` (PaddedImage::suits(w)), starting
// from the epilogue's bias. A large image runs in bands of output rows, one
// task each: each band's padded phases (about 1 MB) are made and convolved
// while they are in the core's cache. A whole layer's phases (yolov5s's
// 32x320x320 input: 13 MB) had gone to memory and come back.
void convolve_padded(const float* image, int64_t channels, const Window& w, const AMatrix& a, float* y,
                     const GemmEpilogue& epilogue, ThreadPool& pool);

class PaddedImage {
 public:
  // `channels` planes of w.in_size() floats (`plane` floats apart: 0 for
  // w.in_size()); `lanes`: the tile kernel's vector width; `pool` (may be
  // null) splits the copy by channel. The output planes are `ldy` floats
  // apart (0: w.out_size()).
  PaddedImage(const float* image, int64_t channels, const Window& w, int64_t lanes, ThreadPool* pool,
              int64_t plane = 0, int64_t ldy = 0);

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
  int64_t ldy_;  // floats between two output planes
  // Zeros after the last channel to read whole vectors past the last column.
  // Made per layer, not kept per thread: kept, the largest layer's image
  // (yolov5s: 13 MB) would add to the peak memory of every later layer.
  PaddedPhases<float> phases_;
};

}  // namespace rknnc::runtime::kernels
