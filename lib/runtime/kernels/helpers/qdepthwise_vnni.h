#pragma once
// Depthwise int8 sums on AVX-512 VNNI, one channel at a time: each kernel row
// is read in quads of four taps, one vpdpbusd lane per quad, from an unsigned
// copy of the channel (see qdepthwise_vnni.cpp). The sums are exact: the same
// int32 values as the reference loop.
#include <cstdint>
#include <vector>

#include "runtime/kernels/helpers/qdepthwise_phases.h"

namespace rknnc::runtime::kernels {

class VnniDepthwise {
 public:
  // For one layer (DepthwisePhases::fits(w, zx)); needs AVX-512 F, BW and VNNI to run.
  VnniDepthwise(const Window& w, int32_t zx);

  // Values `acc` must hold.
  int64_t acc_size() const;

  // acc[oh·OW + ow] = Σ w[tap]·(x[tap] - zx) over the taps inside the input,
  // for one channel: x its plane, w its kh·kw weights.
  void sums(const int8_t* x, const int8_t* w, int32_t* acc) const;

 private:
  Window win_;
  int32_t zx_ = 0;
  DepthwisePhases layout_;  // of bytes, taps in quads
  int64_t slack_ = 0;       // bytes after the last phase that the last step's loads reach
  std::vector<uint64_t> columns_;  // per 64-byte store of a row of the copy, its lanes of input columns
  std::vector<uint16_t> keep_;     // per flat column: of the 16 flat outputs from it, those below OW (empty: all)
};

}  // namespace rknnc::runtime::kernels
