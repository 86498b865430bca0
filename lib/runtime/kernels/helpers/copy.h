#pragma once
// Byte-moving helpers for data-movement ops of any dtype (Transpose, Slice,
// Expand, Tile, Concat, Split, Gather, Pad): elements are moved as
// dtype_size() bytes, never interpreted.
#include <cstdint>
#include <vector>

#include "runtime/kernel.h"

namespace rknnc::runtime::kernels {

// dst (contiguous, shape `shape`) = src viewed with element strides
// `src_strides` (may be 0 or negative) starting at element `src_offset`.
void copy_strided(ThreadPool& pool, void* dst, const void* src, size_t elem_size, const ir::Shape& shape,
                  const std::vector<int64_t>& src_strides, int64_t src_offset = 0);

// dst = src viewed with shape `view`, transposed by `perm` (contiguous):
// a reshape → Transpose → reshape in one copy (DepthToSpace, SpaceToDepth).
void copy_permuted(ThreadPool& pool, void* dst, const void* src, size_t elem_size, const ir::Shape& view,
                   const std::vector<int64_t>& perm);

// Copies a block of `outer` rows of `src_row` elements into dst rows of
// `dst_row` elements starting at element column `dst_col` (Concat / Split),
// on the pool.
void copy_rows(ThreadPool& pool, void* dst, int64_t dst_row, int64_t dst_col, const void* src, int64_t src_row,
               int64_t src_col, int64_t count, int64_t outer, size_t elem_size);

}  // namespace rknnc::runtime::kernels
