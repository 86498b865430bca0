#include "runtime/kernels/helpers/transpose_f32.h"

#include <algorithm>

namespace rknnc::runtime::kernels {

void transpose_f32_generic(const float* src, int64_t rows, int64_t cols, int64_t lds, float* dst, int64_t ldd) {
  constexpr int64_t kBlock = 8;  // a block of rows read and a block of columns written stay in L1
  for (int64_t i0 = 0; i0 < rows; i0 += kBlock)
    for (int64_t j0 = 0; j0 < cols; j0 += kBlock)
      for (int64_t j = j0; j < std::min(cols, j0 + kBlock); ++j)
        for (int64_t i = i0; i < std::min(rows, i0 + kBlock); ++i) dst[j * ldd + i] = src[i * lds + j];
}

void transpose_f32(const float* src, int64_t rows, int64_t cols, int64_t lds, float* dst, int64_t ldd, Isa isa,
                   ThreadPool* pool) {
  TransposeFn fn = transpose_f32_generic;
  if (isa == Isa::Avx512) fn = transpose_f32_avx512;
  if (isa == Isa::Avx2) fn = transpose_f32_avx2;
  constexpr int64_t kColumns = 16;  // per task: a whole register block of every ISA
  auto body = [&](int64_t b, int64_t e) {
    const int64_t j0 = b * kColumns, j1 = std::min(cols, e * kColumns);
    fn(src + j0, rows, j1 - j0, lds, dst + j0 * ldd, ldd);
  };
  const int64_t blocks = (cols + kColumns - 1) / kColumns;
  if (pool) pool->parallel_for(blocks, rows * kColumns, body);
  else body(0, blocks);
}

}  // namespace rknnc::runtime::kernels
