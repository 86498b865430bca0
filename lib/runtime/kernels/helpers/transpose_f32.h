#pragma once
// Strided fp32 transpose: dst[j * ldd + i] = src[i * lds + j] for i < rows,
// j < cols. The vector paths move 16 x 16 (AVX-512) or 8 x 8 (AVX2) blocks
// through registers; all paths only copy, so they give the same bytes.
#include <cstdint>

#include "runtime/cpu_features.h"
#include "runtime/thread_pool.h"

namespace rknnc::runtime::kernels {

using TransposeFn = void (*)(const float* src, int64_t rows, int64_t cols, int64_t lds, float* dst, int64_t ldd);
void transpose_f32_generic(const float* src, int64_t rows, int64_t cols, int64_t lds, float* dst, int64_t ldd);
void transpose_f32_avx2(const float* src, int64_t rows, int64_t cols, int64_t lds, float* dst, int64_t ldd);
void transpose_f32_avx512(const float* src, int64_t rows, int64_t cols, int64_t lds, float* dst, int64_t ldd);

// The transpose on the path of `isa`, split over blocks of columns on `pool`
// (nullptr: the calling thread).
void transpose_f32(const float* src, int64_t rows, int64_t cols, int64_t lds, float* dst, int64_t ldd, Isa isa,
                   ThreadPool* pool);

}  // namespace rknnc::runtime::kernels
