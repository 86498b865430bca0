#pragma once
// Convolution loops on one image (C x D x H x W, spatial padded to 3-D by
// Window): im2col for the gemm path, col2im for ConvTranspose, and a direct
// depthwise loop. None of them throw; callers validate shapes first.
#include <cstdint>

#include "runtime/kernels/helpers/window.h"

namespace rknnc::runtime::kernels {

// col[(c*K + k), o] = x[c, window tap k of output o] (0 in padding); K = w.kernel_size(), o < w.out_size().
void im2col(const float* x, int64_t channels, const Window& w, float* col, ThreadPool* pool);
// Adjoint of im2col: img[c, i] += col[(c*K + k), o] for every tap that lands inside.
void col2im(const float* col, int64_t channels, const Window& w, float* img, ThreadPool* pool);
// y[c] = sum_k x[c, tap k] * weight[c, k] (+ bias[c]) for channels [c0, c1).
void depthwise_conv(const float* x, const float* weight, const float* bias, const Window& w, float* y, int64_t c0,
                    int64_t c1);

}  // namespace rknnc::runtime::kernels
