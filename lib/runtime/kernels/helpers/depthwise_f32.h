#pragma once
// fp32 depthwise convolution (one input channel per output channel), output
// row by output row so the row stays in L1. Each output is bias, then one fma
// per tap inside the input in tap order: the generic, AVX2 and AVX-512 row
// loops give bit-identical results.
#include <cstdint>

#include "runtime/cpu_features.h"
#include "runtime/kernels/helpers/window.h"

namespace rknnc::runtime::kernels {

// y[c] = bias[c] + sum_k x[c, tap k] * weight[c, k] for channels [c0, c1).
void depthwise_conv_f32(const float* x, const float* weight, const float* bias, const Window& w, float* y, int64_t c0,
                        int64_t c1, Isa isa);

// d[i] = fma(wk, s[i * stride], d[i]) for i < n, per instruction set (depthwise_rows_<isa>.cpp).
using RowFmaFn = void (*)(float* d, const float* s, int64_t stride, float wk, int64_t n);
void row_fma_generic(float* d, const float* s, int64_t stride, float wk, int64_t n);
void row_fma_avx2(float* d, const float* s, int64_t stride, float wk, int64_t n);
void row_fma_avx512(float* d, const float* s, int64_t stride, float wk, int64_t n);
// Three taps of one kernel row at once (d loaded and stored once), same order:
// d[i] = fma(w[2], s[i*stride + 2*dil], fma(w[1], s[i*stride + dil], fma(w[0], s[i*stride], d[i]))).
using RowFma3Fn = void (*)(float* d, const float* s, int64_t stride, int64_t dil, const float* w, int64_t n);
void row_fma3_generic(float* d, const float* s, int64_t stride, int64_t dil, const float* w, int64_t n);
void row_fma3_avx2(float* d, const float* s, int64_t stride, int64_t dil, const float* w, int64_t n);
void row_fma3_avx512(float* d, const float* s, int64_t stride, int64_t dil, const float* w, int64_t n);

}  // namespace rknnc::runtime::kernels
