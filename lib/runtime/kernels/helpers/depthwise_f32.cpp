#include "runtime/kernels/helpers/depthwise_f32.h"

#include <algorithm>
#include <vector>

namespace rknnc::runtime::kernels {
namespace {

RowFmaFn row_fma_for(Isa isa) {
  switch (isa) {
    case Isa::Avx512: return row_fma_avx512;
    case Isa::Avx2: return row_fma_avx2;
    case Isa::Generic: break;
  }
  return row_fma_generic;
}

RowFma3Fn row_fma3_for(Isa isa) {
  switch (isa) {
    case Isa::Avx512: return row_fma3_avx512;
    case Isa::Avx2: return row_fma3_avx2;
    case Isa::Generic: break;
  }
  return row_fma3_generic;
}

}  // namespace

void depthwise_conv_f32(const float* x, const float* weight, const float* bias, const Window& w, float* y, int64_t c0,
                        int64_t c1, Isa isa) {
  const RowFmaFn row_fma = row_fma_for(isa);
  const RowFma3Fn row_fma3 = row_fma3_for(isa);
  const int64_t taps = w.kernel_size(), in = w.in_size(), ow_n = w.out[2], s = w.stride[2];
  struct Tap {
    int64_t dd, dh, off, lo, hi;  // depth / height offsets, width offset, outputs [lo, hi) inside the row
  };
  std::vector<Tap> tap(static_cast<size_t>(taps));
  const bool rows_of_3 = w.kernel[2] == 3 && s == 1;  // the common 3-wide kernel: three taps per pass
  for (int64_t k = 0; k < taps; ++k) {
    const int64_t kw = k % w.kernel[2], kh = (k / w.kernel[2]) % w.kernel[1], kd = k / (w.kernel[2] * w.kernel[1]);
    const int64_t off = kw * w.dilation[2] - w.pad_begin[2];
    const int64_t lo = std::min(ow_n, off >= 0 ? 0 : (-off + s - 1) / s);
    const int64_t hi = std::max(lo, std::min(ow_n, w.in[2] - off <= 0 ? 0 : (w.in[2] - off + s - 1) / s));
    tap[static_cast<size_t>(k)] = {kd * w.dilation[0], kh * w.dilation[1], off, lo, hi};
  }
  for (int64_t c = c0; c < c1; ++c) {
    const float* xc = x + c * in;
    const float* wc = weight + c * taps;
    for (int64_t od = 0; od < w.out[0]; ++od)
      for (int64_t oh = 0; oh < w.out[1]; ++oh) {
        float* d = y + c * w.out_size() + (od * w.out[1] + oh) * ow_n;
        std::fill_n(d, ow_n, bias ? bias[c] : 0.0f);
        for (int64_t k = 0; k < taps; k += rows_of_3 ? 3 : 1) {
          const Tap* t = &tap[static_cast<size_t>(k)];
          const int64_t id = window_start(w, 0, od) + t->dd, ih = window_start(w, 1, oh) + t->dh;
          if (id < 0 || id >= w.in[0] || ih < 0 || ih >= w.in[1]) continue;  // the same for a row of 3
          const float* src = xc + (id * w.in[1] + ih) * w.in[2];
          auto one_tap = [&](int64_t j, int64_t lo, int64_t hi) {  // tap k + j on outputs [lo, hi)
            if (hi > lo) row_fma(d + lo, src + t[j].off + lo * s, s, wc[k + j], hi - lo);
          };
          if (!rows_of_3) {
            one_tap(0, t->lo, t->hi);
            continue;
          }
          // outputs inside all three taps in one pass; the edges tap by tap, still in tap order per output
          const int64_t lo = std::max({t[0].lo, t[1].lo, t[2].lo}), hi = std::min({t[0].hi, t[1].hi, t[2].hi});
          if (lo >= hi) {
            for (int64_t j = 0; j < 3; ++j) one_tap(j, t[j].lo, t[j].hi);
            continue;
          }
          for (int64_t j = 0; j < 3; ++j) {
            one_tap(j, t[j].lo, std::min(t[j].hi, lo));
            one_tap(j, std::max(t[j].lo, hi), t[j].hi);
          }
          row_fma3(d + lo, src + t[0].off + lo, 1, w.dilation[2], wc + k, hi - lo);
        }
      }
  }
}

}  // namespace rknnc::runtime::kernels
