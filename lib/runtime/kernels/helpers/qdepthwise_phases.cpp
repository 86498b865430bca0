#include "runtime/kernels/helpers/qdepthwise_phases.h"

namespace rknnc::runtime::kernels {

bool DepthwisePhases::fits(const Window& w, int32_t zx) {
  return w.in[0] == 1 && w.out[0] == 1 && w.kernel[0] == 1 && w.pad_begin[0] == 0 && w.dilation[2] == 1 &&
         (w.stride[2] == 1 || w.stride[2] == 2) && zx >= -128 && zx <= 127;
}

DepthwisePhases::DepthwisePhases(const Window& w, int64_t group) {
  const int64_t sh = w.stride[1], sw = w.stride[2];
  phases = sh;
  pitch = ((w.out[2] - 1) * sw + w.kernel[2] + sw - 1) / sw * sw;
  phase_rows = ((w.out[1] - 1) * sh + (w.kernel[1] - 1) * w.dilation[1] + sh) / sh;
  per_row = pitch / sw;
  outputs = w.out[1] * per_row;
  groups = (w.kernel[2] + group - 1) / group;
  for (int64_t r = 0; r < w.kernel[1]; ++r) {
    const int64_t row = r * w.dilation[1];  // padded rows below the output's first
    for (int64_t g = 0; g < groups; ++g) offsets.push_back((row % sh * phase_rows + row / sh) * pitch + group * g);
  }
}

int64_t DepthwisePhases::values() const { return phases * phase_rows * pitch; }

void pack_tap_groups(const int8_t* w, int64_t kh, int64_t kw, int64_t group, int32_t* out) {
  const int64_t groups = (kw + group - 1) / group, bits = 32 / group;
  const uint32_t mask = (uint32_t{1} << bits) - 1;
  for (int64_t r = 0; r < kh; ++r)
    for (int64_t g = 0; g < groups; ++g) {
      uint32_t word = 0;
      for (int64_t b = 0; b < group && g * group + b < kw; ++b)
        word |= (static_cast<uint32_t>(int32_t{w[r * kw + g * group + b]}) & mask) << (bits * b);
      out[r * groups + g] = static_cast<int32_t>(word);
    }
}

}  // namespace rknnc::runtime::kernels
