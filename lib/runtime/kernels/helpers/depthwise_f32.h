#pragma once
// fp32 depthwise convolution (one input channel per output channel), output
// row by output row so the row stays in L1. Each output is bias, then one fma
// per tap inside the input in tap order: the generic, AVX2 and AVX-512 row
// loops give bit-identical results.
#include <cstdint>
#include <memory>
#include <type_traits>

#include "runtime/cpu_features.h"
#include "runtime/kernels/helpers/sgemm_tiles.h"
#include "runtime/kernels/helpers/window.h"

namespace rknnc::runtime {
struct FusedActivation;
}

namespace rknnc::runtime::kernels {

// The geometry of a depthwise layer, the same for all its channel blocks:
// made once per run of a node, shared by the blocks (each block had
// recomputed every output row's taps: a third of a 960x7x7 layer's time).
class DepthwisePlan {
 public:
  DepthwisePlan(const Window& w, Isa isa);
  ~DepthwisePlan();
  DepthwisePlan(const DepthwisePlan&) = delete;
  DepthwisePlan& operator=(const DepthwisePlan&) = delete;
  // Channels per block of the vector path (1: output rows, no blocks);
  // callers split the channels at multiples of it.
  int64_t channel_block() const;
  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

// y[c] = bias[c] + sum_k x[c, tap k] * weight[c, k] for channels [c0, c1),
// then the node's fused activation `act` when given (a Relu / Clip clamps
// each pixel block before it is stored, as the gemm tiles do; the others,
// and act->to_half's rounding, run on each band while it is in cache).
void depthwise_conv_f32(const float* x, const float* weight, const float* bias, const DepthwisePlan& plan, float* y,
                        int64_t c0, int64_t c1, const FusedActivation* act = nullptr);
// The same with a plan made for this call.
void depthwise_conv_f32(const float* x, const float* weight, const float* bias, const Window& w, float* y, int64_t c0,
                        int64_t c1, Isa isa, const FusedActivation* act = nullptr);

// One block of 16 channels of a channel-blocked (NCHW16c) image: x and y
// the block's planes, w its taps x 16 weights, bias its 16 biases; the
// pixel blocks of the vector path below, without the copies in and out.
// Only when depthwise_blocked_supported(plan).
void depthwise_blocked_f32(const float* x, const float* w, const float* bias, const DepthwisePlan& plan, float* y,
                           const FusedActivation* act);
bool depthwise_blocked_supported(const DepthwisePlan& plan);

// The vector path: a block of L channels (one vector) is copied pixel-major,
// x[pixel][L], so each output pixel is one vector of L fma chains whatever
// the plane's width (a 7x7 plane fills the vectors as well as a 112x112 one).
// A tap: pixel offset from the output's first input pixel, and weight row.
struct DwTap {
  int64_t off, k;
};
// Outputs i < n of a row: y[i] = bias, then fma(w[t.k], x[t.off + i * stride], y[i]) for each tap in
// order, then the clamp; x, w, bias, y hold L floats per pixel / tap (depthwise_pixels_<isa>).
using DwPixelsFn = void (*)(float* y, const float* x, const DwTap* taps, int64_t ntaps, const float* w,
                            const float* bias, int64_t stride, int64_t n, const StoreClamp& clamp);
// Block copies of `size` pixels of channels `plane` floats apart:
// to_pixel_major dst[p][l] = src[l * plane + p] for l < ch (0 for ch <= l < L);
// from_pixel_major dst[l * plane + p] = src[p][l] for l < ch.
using PixelMajorFn = void (*)(const float* src, int64_t ch, int64_t size, int64_t plane, float* dst);
void to_pixel_major_avx2(const float* src, int64_t ch, int64_t size, int64_t plane, float* dst);
void from_pixel_major_avx2(const float* src, int64_t ch, int64_t size, int64_t plane, float* dst);
void to_pixel_major_avx512(const float* src, int64_t ch, int64_t size, int64_t plane, float* dst);
void from_pixel_major_avx512(const float* src, int64_t ch, int64_t size, int64_t plane, float* dst);
// block(std::integral_constant<int, P>{}, i) for pixels [i, i + P) covering [0, n): blocks of 8, then the
// last pixels in blocks of 4, 2 and 1 (independent fma chains hide the fma latency; one at a time, a
// 7-wide row's five outputs had each waited on its own chain). The dw_pixels_<isa> loops.
template <typename Block>
void in_pixel_blocks(int64_t n, Block&& block) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) block(std::integral_constant<int, 8>{}, i);
  if (n - i >= 4) {
    block(std::integral_constant<int, 4>{}, i);
    i += 4;
  }
  if (n - i >= 2) {
    block(std::integral_constant<int, 2>{}, i);
    i += 2;
  }
  if (n - i >= 1) block(std::integral_constant<int, 1>{}, i);
}
void dw_pixels_avx2(float* y, const float* x, const DwTap* taps, int64_t ntaps, const float* w, const float* bias,
                    int64_t stride, int64_t n, const StoreClamp& clamp);
void dw_pixels_avx512(float* y, const float* x, const DwTap* taps, int64_t ntaps, const float* w, const float* bias,
                      int64_t stride, int64_t n, const StoreClamp& clamp);

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
