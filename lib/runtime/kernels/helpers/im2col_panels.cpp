#include "runtime/kernels/helpers/im2col_panels.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace rknnc::runtime::kernels {
namespace {

// Columns [col, col+len) of the block: one output row (od, oh), outputs ow0..,
// all in one B panel (panel, first lane c).
struct ColumnRun {
  int64_t panel, c, len, ow0, id0, ih0;  // id0 / ih0: window starts of the row
};

void column_runs(const Window& w, int64_t nr, int64_t j0, int64_t nc, std::vector<ColumnRun>& runs) {
  runs.clear();
  const int64_t ow_n = w.out[2];
  int64_t ow = j0 % ow_n, orow = j0 / ow_n;
  for (int64_t jj = 0; jj < nc;) {
    const int64_t len = std::min({nc - jj, ow_n - ow, nr - jj % nr});
    const int64_t od = orow / w.out[1], oh = orow % w.out[1];
    runs.push_back({jj / nr, jj % nr, len, ow, window_start(w, 0, od), window_start(w, 1, oh)});
    jj += len, ow += len;
    if (ow == ow_n) ow = 0, ++orow;
  }
}

// Runs are at most one panel wide and mostly a few floats (one output row of
// a small image, a padding edge): fixed-size copies and stores inline, the
// last ones overlapping those before, where a libc call per run would cost
// more than the floats it moves.
void copy_run(float* d, const float* s, int64_t n) {
  if (n >= 8) {
    for (; n > 8; n -= 8, d += 8, s += 8) std::memcpy(d, s, 8 * sizeof(float));
    std::memcpy(d + n - 8, s + n - 8, 8 * sizeof(float));
  } else if (n >= 4) {
    std::memcpy(d, s, 4 * sizeof(float));
    std::memcpy(d + n - 4, s + n - 4, 4 * sizeof(float));
  } else {
    for (int64_t i = 0; i < n; ++i) d[i] = s[i];
  }
}

void zero_run(float* d, int64_t n) {
  static constexpr float kZeros[8] = {};
  if (n >= 8) {
    for (; n > 8; n -= 8, d += 8) std::memcpy(d, kZeros, sizeof kZeros);
    std::memcpy(d + n - 8, kZeros, sizeof kZeros);
  } else if (n >= 4) {
    std::memcpy(d, kZeros, 4 * sizeof(float));
    std::memcpy(d + n - 4, kZeros, 4 * sizeof(float));
  } else {
    if (n > 0) d[0] = 0.0f;
    if (n > 1) d[1] = 0.0f;
    if (n > 2) d[2] = 0.0f;
  }
}

}  // namespace

void Im2colPanels::pack(int64_t nr, int64_t p0, int64_t kc, int64_t j0, int64_t nc, float* dst) const {
  const int64_t taps = w.kernel_size(), in = w.in_size(), sw = w.stride[2];
  thread_local std::vector<ColumnRun> runs;
  column_runs(w, nr, j0, nc, runs);
  for (int64_t p = 0; p < kc; ++p) {
    const int64_t row = p0 + p, k = row % taps;
    const int64_t kw = k % w.kernel[2], kh = (k / w.kernel[2]) % w.kernel[1], kd = k / (w.kernel[2] * w.kernel[1]);
    const float* xc = x + (row / taps) * in;
    const int64_t dd = kd * w.dilation[0], dh = kh * w.dilation[1], woff = kw * w.dilation[2] - w.pad_begin[2];
    // outputs ow whose input column ow*sw + woff lies inside [0, in[2])
    const int64_t lo = woff >= 0 ? 0 : (-woff + sw - 1) / sw;
    const int64_t hi = w.in[2] - woff <= 0 ? 0 : (w.in[2] - woff + sw - 1) / sw;
    for (const ColumnRun& r : runs) {
      float* d = dst + r.panel * kc * nr + p * nr + r.c;
      const int64_t id = r.id0 + dd, ih = r.ih0 + dh, a = r.ow0, b = a + r.len;
      const bool row_inside = id >= 0 && id < w.in[0] && ih >= 0 && ih < w.in[1];
      const int64_t in_lo = row_inside ? std::clamp(lo, a, b) : b, in_hi = row_inside ? std::clamp(hi, in_lo, b) : b;
      zero_run(d, in_lo - a);
      if (in_hi > in_lo) {
        const float* src = xc + (id * w.in[1] + ih) * w.in[2] + woff;
        if (sw == 1) copy_run(d + (in_lo - a), src + in_lo, in_hi - in_lo);
        else if (sw == 2)  // a constant stride vectorises
          for (int64_t q = in_lo; q < in_hi; ++q) d[q - a] = src[q * 2];
        else
          for (int64_t q = in_lo; q < in_hi; ++q) d[q - a] = src[q * sw];
      }
      zero_run(d + (in_hi - a), r.len - (in_hi - a));
    }
  }
  // zero columns of the last panel beyond nc
  const int64_t tail = nc % nr;
  if (tail)
    for (int64_t p = 0; p < kc; ++p) {
      float* d = dst + (nc / nr) * kc * nr + p * nr;
      zero_run(d + tail, nr - tail);
    }
}

}  // namespace rknnc::runtime::kernels
