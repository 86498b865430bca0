#include "runtime/kernels/helpers/qpadded_image.h"

#include <algorithm>
#include <cstring>

#include "runtime/kernels/helpers/scratch.h"

namespace rknnc::runtime::kernels {

bool PaddedQ8::suits(const Window& w) {
  const bool plain_2d = w.in[0] == 1 && w.out[0] == 1 && w.kernel[0] == 1;
  const int64_t dropped = (w.kernel[2] - 1) * w.dilation[2];
  return plain_2d && w.stride[1] == 1 && w.stride[2] == 1 && w.kernel_size() > 1 && 8 * dropped <= w.out[2];
}

void PaddedQ8::build(const int8_t* x, int64_t channels, const Window& w, int8_t pad, ThreadPool* pool) {
  pitch = w.out[2] + (w.kernel[2] - 1) * w.dilation[2];
  const int64_t rows = w.out[1] + (w.kernel[1] - 1) * w.dilation[1];
  plane = rows * pitch;
  // The last panel of the last channel reads up to a panel and a tap row past the planes.
  const int64_t slack = pitch + 64;
  grow_to(data, static_cast<size_t>(channels * plane + slack));
  const int64_t top = w.pad_begin[1], left = w.pad_begin[2];
  const int64_t cols = std::clamp<int64_t>(w.in[2], 0, pitch - left);
  auto fill = [&](int64_t b, int64_t e) {
    for (int64_t c = b; c < e; ++c)
      for (int64_t r = 0; r < rows; ++r) {
        int8_t* d = data.data() + c * plane + r * pitch;
        const int64_t ih = r - top;
        if (ih < 0 || ih >= w.in[1]) {
          std::fill_n(d, pitch, pad);
          continue;
        }
        std::fill_n(d, left, pad);
        std::memcpy(d + left, x + (c * w.in[1] + ih) * w.in[2], static_cast<size_t>(cols));
        std::fill(d + left + cols, d + pitch, pad);
      }
  };
  if (pool) pool->parallel_for(channels, plane, fill);
  else fill(0, channels);
  std::fill_n(data.data() + channels * plane, slack, pad);
  const int64_t taps = w.kernel_size();
  off.resize(static_cast<size_t>(channels * taps));
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t kh = 0; kh < w.kernel[1]; ++kh)
      for (int64_t kw = 0; kw < w.kernel[2]; ++kw)
        off[static_cast<size_t>(c * taps + kh * w.kernel[2] + kw)] =
            c * plane + kh * w.dilation[1] * pitch + kw * w.dilation[2];
}

}  // namespace rknnc::runtime::kernels
