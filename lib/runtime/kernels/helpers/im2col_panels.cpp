#include "runtime/kernels/helpers/im2col_panels.h"

#include <algorithm>
#include <cstring>

namespace rknnc::runtime::kernels {

void Im2colPanels::pack(int64_t nr, int64_t p0, int64_t kc, int64_t j0, int64_t nc, float* dst) const {
  const int64_t taps = w.kernel_size(), in = w.in_size(), ow_n = w.out[2], sw = w.stride[2];
  for (int64_t p = 0; p < kc; ++p) {
    const int64_t row = p0 + p, k = row % taps;
    const int64_t kw = k % w.kernel[2], kh = (k / w.kernel[2]) % w.kernel[1], kd = k / (w.kernel[2] * w.kernel[1]);
    const float* xc = x + (row / taps) * in;
    const int64_t woff = kw * w.dilation[2] - w.pad_begin[2];
    // outputs ow whose input column ow*sw + woff lies inside [0, in[2])
    const int64_t lo = std::min(ow_n, woff >= 0 ? 0 : (-woff + sw - 1) / sw);
    const int64_t hi = std::max(lo, std::min(ow_n, w.in[2] - woff <= 0 ? 0 : (w.in[2] - woff + sw - 1) / sw));
    // one output row at a time: o in [seg, seg_end) share (od, oh)
    for (int64_t jj = 0; jj < nc;) {
      const int64_t o = j0 + jj, ow0 = o % ow_n, orow = o / ow_n, len = std::min(nc - jj, ow_n - ow0);
      const int64_t oh = orow % w.out[1], od = orow / w.out[1];
      const int64_t id = window_start(w, 0, od) + kd * w.dilation[0], ih = window_start(w, 1, oh) + kh * w.dilation[1];
      const bool row_inside = id >= 0 && id < w.in[0] && ih >= 0 && ih < w.in[1];
      const float* src = row_inside ? xc + (id * w.in[1] + ih) * w.in[2] + woff : nullptr;
      for (int64_t i = 0; i < len;) {  // runs of columns that stay inside one B panel
        const int64_t col = jj + i, c = col % nr, run = std::min(len - i, nr - c);
        float* d = dst + (col / nr) * kc * nr + p * nr + c;
        const int64_t a = ow0 + i, b = a + run;  // output columns [a, b)
        const int64_t in_lo = row_inside ? std::clamp(lo, a, b) : b, in_hi = row_inside ? std::clamp(hi, in_lo, b) : b;
        std::fill(d, d + (in_lo - a), 0.0f);
        if (in_hi > in_lo && sw == 1)
          std::memcpy(d + (in_lo - a), src + in_lo, sizeof(float) * static_cast<size_t>(in_hi - in_lo));
        else if (sw == 2)  // a constant stride vectorises
          for (int64_t q = in_lo; q < in_hi; ++q) d[q - a] = src[q * 2];
        else
          for (int64_t q = in_lo; q < in_hi; ++q) d[q - a] = src[q * sw];
        std::fill(d + (in_hi - a), d + run, 0.0f);
        i += run;
      }
      jj += len;
    }
  }
  // zero columns of the last panel beyond nc
  const int64_t tail = nc % nr;
  if (tail)
    for (int64_t p = 0; p < kc; ++p) {
      float* d = dst + (nc / nr) * kc * nr + p * nr;
      std::fill(d + tail, d + nr, 0.0f);
    }
}

}  // namespace rknnc::runtime::kernels
