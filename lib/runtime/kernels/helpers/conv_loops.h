#pragma once
// Convolution loops on one image (C x D x H x W, spatial padded to 3-D by
// Window): im2col for the gemm path, col2im for ConvTranspose, and a direct
// depthwise loop. None of them throw; callers validate shapes first.
#include <cstdint>

#include "runtime/kernels/helpers/window.h"

namespace rknnc::runtime::kernels {

// col[(c*K + k), o] = x[c, window tap k of output o] (0 in padding); K = w.kernel_size(), o < w.out_size().
// Instantiated for int16 (int8 conv, values minus zero point), int8 (raw
// int8 values; `pad` is then the input's zero point, the value of a padded
// tap) and float (the pixel-rows conv of small planes; the other fp32 paths
// pack their panels straight from the image, im2col_panels.h).
template <typename T>
void im2col(const T* x, int64_t channels, const Window& w, T* col, ThreadPool* pool, T pad = T{0});
// The columns of output rows [r0, r1) only (a row: one (depth, height) pair of
// the output), on the calling thread: col[(c*K + k), o] for o < (r1 - r0) * out_w.
// Instantiated for int8.
template <typename T>
void im2col_rows(const T* x, int64_t channels, const Window& w, int64_t r0, int64_t r1, T* col, T pad);
// Adjoint of im2col: img[c, i] += col[(c*K + k), o] for every tap that lands inside.
// Instantiated for float (fp32 ConvTranspose) and int32 (int8 ConvTranspose, exact sums).
template <typename T>
void col2im(const T* col, int64_t channels, const Window& w, T* img, ThreadPool* pool);
// y[c] = sum_k x[c, tap k] * weight[c, k] (+ bias[c]) for channels [c0, c1).
// Instantiated for <int16_t, int32_t> (exact integer sums); fp32 has depthwise_f32.h.
template <typename TX, typename TAcc>
void depthwise_conv(const TX* x, const TX* weight, const TAcc* bias, const Window& w, TAcc* y, int64_t c0,
                    int64_t c1);

}  // namespace rknnc::runtime::kernels
