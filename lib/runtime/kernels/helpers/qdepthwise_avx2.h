#pragma once
// Depthwise int8 sums on AVX2, one channel at a time: each kernel row is read
// in pairs of taps, one vpmaddwd lane per pair, from an int16 copy of the
// channel minus its zero point laid out in DepthwisePhases (see
// qdepthwise_avx2.cpp). The sums are exact: the same int32 values as the
// reference loop.
#include <cstdint>

#include "runtime/kernels/helpers/qdepthwise_phases.h"

namespace rknnc::runtime::kernels {

class Avx2Depthwise {
 public:
  // For one layer (DepthwisePhases::fits(w, zx)); needs AVX2 to run.
  Avx2Depthwise(const Window& w, int32_t zx);

  // Values `acc` must hold.
  int64_t acc_size() const;

  // acc[oh·OW + ow] = Σ w[tap]·(x[tap] - zx) over the taps inside the input,
  // for one channel: x its plane, w its kh·kw weights.
  void sums(const int8_t* x, const int8_t* w, int32_t* acc) const;

 private:
  Window win_;
  int32_t zx_ = 0;
  DepthwisePhases layout_;  // of int16 values, taps in pairs
  int64_t slack_ = 0;       // values after the last phase that the last step's loads reach
};

}  // namespace rknnc::runtime::kernels
