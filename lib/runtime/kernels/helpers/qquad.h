#pragma once
// The int8 product on byte quads, for AVX-512 VNNI (vpdpbusd) and AVX2:
// out[c][p] = Σ_k w[c][k]·(x[k][p] - zx), computed exactly as
//   Σ_k w[c][k]·u[k][p]  -  (128 + zx)·Σ_k w[c][k],   u = x + 128 in 0..255,
// so the activations are unsigned bytes and the weights signed bytes, four
// consecutive k per 32-bit lane. Padded taps hold x = zx (they add 0). The
// int32 sums wrap modulo 2^32 on the way, which changes nothing: the final
// value is the exact sum, as in the reference kernels.
#include <cstdint>
#include <vector>

#include "runtime/thread_pool.h"

namespace rknnc::runtime::kernels {

// The instruction set the quad product runs on; Reference: use the
// reference kernels (SSE2 pairs) instead.
enum class QuadIsa { Reference, Avx2, Vnni };
// From cpu_features() (so RKNNC_ISA caps it).
QuadIsa quad_isa();
const char* quad_isa_name(QuadIsa isa);

constexpr int64_t kQuadPanel = 16;  // pixels per panel: one zmm / two ymm of quads
constexpr int64_t kQuadBlock = 8;   // output channels per weight block

// Weights of m channels, K values each, in blocks of 8 channels:
// data[((block·quads + q)·8 + r)·4 + j] = w[(8·block + r)·K + 4q + j] (0 beyond m and K).
// corr[c] = (128 + zx)·Σ_k w[c][k] (0 for the padding channels).
struct QuadWeights {
  std::vector<int8_t> data;
  std::vector<int32_t> corr;
  int64_t m = 0, k = 0, quads = 0, blocks = 0;
};
QuadWeights pack_quad_weights(const int8_t* w, int64_t m, int64_t k, int32_t zx);

// x as unsigned bytes in panels of 16 pixels:
// data[((panel·quads + q)·16 + i)·4 + j] = x[4q + j][16·panel + i] + 128 (0 beyond K and P).
struct QuadPixels {
  std::vector<uint8_t> data;  // reused: packing again into the same value allocates nothing (may be longer than used)
  int64_t k = 0, quads = 0, pixels = 0, panels = 0;
};
// From K rows of P int8 values, rows `stride` apart (channels × pixels, or an
// int8 im2col matrix).
void pack_quad_pixels(const int8_t* x, int64_t k, int64_t p, int64_t stride, QuadPixels& out, ThreadPool* pool);
// From K rows of P int8 values, row r at x + off[r], each readable for
// whole panels (a padded image read in place: PaddedPhases).
void pack_quad_offsets(const int8_t* x, const int64_t* off, int64_t k, int64_t p, QuadPixels& out, ThreadPool* pool);
// From P rows of K int8 values (Gemm's A: pixels × reduction).
void pack_quad_rows(const int8_t* x, int64_t p, int64_t k, QuadPixels& out, ThreadPool* pool);

}  // namespace rknnc::runtime::kernels
