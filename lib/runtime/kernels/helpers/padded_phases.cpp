#include "runtime/kernels/helpers/padded_phases.h"

#include <algorithm>
#include <cstring>

namespace rknnc::runtime::kernels {

int64_t phase_extent(const Window& w, int d) {
  return (w.in[d] + w.pad_begin[d] + w.pad_end[d] + w.stride[d] - 1) / w.stride[d];
}

template <typename T>
void PaddedPhases<T>::build(const T* image, int64_t channels, const Window& w, T pad, int64_t slack,
                            ThreadPool* pool, int64_t plane) {
  if (plane == 0) plane = w.in_size();
  for (int d = 0; d < 3; ++d) q[static_cast<size_t>(d)] = phase_extent(w, d);
  out_h = w.out[1];
  phase = q[0] * q[1] * q[2];
  channel = w.stride[0] * w.stride[1] * w.stride[2] * phase;
  data.resize(static_cast<size_t>(channels * channel + slack));
  std::fill(data.begin() + channels * channel, data.end(), pad);
  auto fill = [&](int64_t b, int64_t e) {  // each channel padded, then filled, while it is in cache
    for (int64_t c = b; c < e; ++c) {
      std::fill_n(data.data() + c * channel, channel, pad);
      for (int64_t d = 0; d < w.in[0]; ++d)
        for (int64_t h = 0; h < w.in[1]; ++h) copy_row(image + c * plane + (d * w.in[1] + h) * w.in[2], w, c, d, h);
    }
  };
  if (pool) pool->parallel_for(channels, channel, fill);
  else fill(0, channels);
  const int64_t taps = w.kernel_size();
  offsets.resize(static_cast<size_t>(channels * taps));
  for (int64_t k = 0; k < taps; ++k) {
    const std::array<int64_t, 3> at{k / (w.kernel[2] * w.kernel[1]) * w.dilation[0],
                                    (k / w.kernel[2]) % w.kernel[1] * w.dilation[1], k % w.kernel[2] * w.dilation[2]};
    int64_t ph = 0, inside = 0;  // the tap's phase, and its offset inside the phase plane
    for (int d = 0; d < 3; ++d) {
      ph = ph * w.stride[d] + at[static_cast<size_t>(d)] % w.stride[d];
      inside = inside * q[static_cast<size_t>(d)] + at[static_cast<size_t>(d)] / w.stride[d];
    }
    for (int64_t c = 0; c < channels; ++c) offsets[static_cast<size_t>(c * taps + k)] = c * channel + ph * phase + inside;
  }
}

namespace {

// Stride 2 along the row: padded column p = x + pad goes to phase p % 2 at
// p / 2. Pairs of columns (even, odd padded) in one loop the compiler
// vectorises (a deinterleave); one column at a time was a fifth of a
// stride-2 layer's time (yolov5s's 3x3 32->64 on 320x320: 2.7 of 12.2 ms).
template <typename T>
void split_pairs(const T* src, int64_t width, int64_t pad, T* even, T* odd) {
  int64_t x = 0;
  if (pad % 2 && width > 0) odd[pad / 2] = src[x++];  // the first column alone when it lands in phase 1
  even += (x + pad) / 2, odd += (x + pad) / 2;
  const int64_t pairs = (width - x) / 2;
  const T* s = src + x;
  for (int64_t i = 0; i < pairs; ++i) {
    even[i] = s[2 * i];
    odd[i] = s[2 * i + 1];
  }
  if ((width - x) % 2) even[pairs] = s[2 * pairs];
}

}  // namespace

// Input row (c, d, h) into its phases: padded position p goes to phase
// p % stride, index p / stride along each dim.
template <typename T>
void PaddedPhases<T>::copy_row(const T* src, const Window& w, int64_t c, int64_t d, int64_t h) {
  const int64_t pd = d + w.pad_begin[0], ph = h + w.pad_begin[1], sw = w.stride[2];
  T* plane = data.data() + c * channel + ((pd % w.stride[0]) * w.stride[1] + ph % w.stride[1]) * sw * phase +
             ((pd / w.stride[0]) * q[1] + ph / w.stride[1]) * q[2];
  if (sw == 1) {
    std::memcpy(plane + w.pad_begin[2], src, sizeof(T) * static_cast<size_t>(w.in[2]));
    return;
  }
  if (sw == 2) return split_pairs(src, w.in[2], w.pad_begin[2], plane, plane + phase);
  for (int64_t r = 0; r < sw; ++r) {  // phase r holds padded columns r, r + sw, ...
    const int64_t first = ((r - w.pad_begin[2]) % sw + sw) % sw;  // the first input column in it
    T* dst = plane + r * phase + (first + w.pad_begin[2]) / sw;
    for (int64_t x = first; x < w.in[2]; x += sw) *dst++ = src[x];
  }
}

template struct PaddedPhases<float>;
template struct PaddedPhases<int8_t>;

}  // namespace rknnc::runtime::kernels
