#pragma once
// Window pooling over N*C planes (MaxPool, AveragePool). For each output
// position the reducer gets the in-bounds tap offsets into the plane and the
// number of taps inside the padded extent (count_include_pad).
#include <vector>

#include "runtime/kernels/helpers/window.h"

namespace rknnc::runtime::kernels {

template <typename T, typename Reduce>
void pool_windows(KernelContext& ctx, const ir::Tensor& x, const Window& w, ir::Tensor& y, Reduce reduce) {
  const int64_t planes = x.shape()[0] * x.shape()[1], in = w.in_size(), out = w.out_size();
  const T* src = x.data<T>();
  T* dst = y.data<T>();
  ctx.pool.parallel_for(planes, out * w.kernel_size(), [&](int64_t b, int64_t e) {
    std::vector<int64_t> offs;
    for (int64_t p = b; p < e; ++p) {
      const T* plane = src + p * in;
      T* yp = dst + p * out;
      for (int64_t o = 0; o < out; ++o) {
        const int64_t pos[3] = {o / (w.out[1] * w.out[2]), (o / w.out[2]) % w.out[1], o % w.out[2]};
        offs.clear();
        int64_t padded = 1;
        int64_t lo[3], n[3];
        for (int d = 0; d < 3; ++d) {
          lo[d] = window_start(w, d, pos[d]);
          int64_t inside = 0;
          for (int64_t k = 0; k < w.kernel[d]; ++k) {
            const int64_t i = lo[d] + k * w.dilation[d];
            inside += i >= -w.pad_begin[d] && i < w.in[d] + w.pad_end[d];
          }
          padded *= inside;
          n[d] = w.kernel[d];
        }
        for (int64_t kd = 0; kd < n[0]; ++kd) {
          const int64_t id = lo[0] + kd * w.dilation[0];
          if (id < 0 || id >= w.in[0]) continue;
          for (int64_t kh = 0; kh < n[1]; ++kh) {
            const int64_t ih = lo[1] + kh * w.dilation[1];
            if (ih < 0 || ih >= w.in[1]) continue;
            for (int64_t kw = 0; kw < n[2]; ++kw) {
              const int64_t iw = lo[2] + kw * w.dilation[2];
              if (iw < 0 || iw >= w.in[2]) continue;
              offs.push_back((id * w.in[1] + ih) * w.in[2] + iw);
            }
          }
        }
        yp[o] = reduce(plane, offs, padded);
      }
    }
  });
}

}  // namespace rknnc::runtime::kernels
