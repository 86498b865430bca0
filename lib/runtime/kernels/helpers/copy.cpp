#include "runtime/kernels/helpers/copy.h"

#include <algorithm>
#include <cstring>

#include "runtime/kernels/helpers/broadcast.h"

namespace rknnc::runtime::kernels {
namespace {

template <typename T>
void strided_row(std::byte* dst, const std::byte* src, int64_t stride, int64_t n) {
  T* d = reinterpret_cast<T*>(dst);
  const T* s = reinterpret_cast<const T*>(src);
  for (int64_t i = 0; i < n; ++i) std::memcpy(d + i, s + i * stride, sizeof(T));
}

void copy_row(std::byte* dst, const std::byte* src, int64_t stride, int64_t n, size_t elem) {
  if (n == 0) return;  // empty tensors may have null storage
  if (stride == 1) {
    std::memcpy(dst, src, static_cast<size_t>(n) * elem);
    return;
  }
  switch (elem) {
    case 1: return strided_row<uint8_t>(dst, src, stride, n);
    case 2: return strided_row<uint16_t>(dst, src, stride, n);
    case 4: return strided_row<uint32_t>(dst, src, stride, n);
    case 8: return strided_row<uint64_t>(dst, src, stride, n);
    default:
      for (int64_t i = 0; i < n; ++i)
        std::memcpy(dst + static_cast<size_t>(i) * elem, src + i * stride * static_cast<int64_t>(elem), elem);
  }
}

}  // namespace

void copy_strided(ThreadPool& pool, void* dst, const void* src, size_t elem_size, const ir::Shape& shape,
                  const std::vector<int64_t>& src_strides, int64_t src_offset) {
  const RowPlan plan(shape, {ir::shape_strides(shape), src_strides});
  auto* d = static_cast<std::byte*>(dst);
  const auto* s = static_cast<const std::byte*>(src) + src_offset * static_cast<int64_t>(elem_size);
  const auto es = static_cast<int64_t>(elem_size);
  pool.parallel_for(plan.rows(), plan.row_length(), [&](int64_t b, int64_t e) {
    plan.for_rows(b, e, [&](const int64_t* off, const int64_t* st, int64_t n) {
      copy_row(d + off[0] * es, s + off[1] * es, st[1], n, elem_size);
    });
  });
}

void copy_rows(ThreadPool& pool, void* dst, int64_t dst_row, int64_t dst_col, const void* src, int64_t src_row,
               int64_t src_col, int64_t count, int64_t outer, size_t elem_size) {
  auto* d = static_cast<std::byte*>(dst);
  const auto* s = static_cast<const std::byte*>(src);
  const auto es = static_cast<int64_t>(elem_size);
  if (count == 0) return;  // empty tensors may have null storage: memcpy(nullptr, …, 0) is UB
  // Rows in pieces of 64 KB, so that one long row (a Concat of whole
  // channel planes at batch 1) still splits over the pool.
  const int64_t piece = std::max<int64_t>(1, (int64_t{64} << 10) / es), per_row = (count + piece - 1) / piece;
  pool.parallel_for(outer * per_row, std::min(count, piece), [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      const int64_t o = i / per_row, start = i % per_row * piece, n = std::min(piece, count - start);
      std::memcpy(d + (o * dst_row + dst_col + start) * es, s + (o * src_row + src_col + start) * es,
                  static_cast<size_t>(n * es));
    }
  });
}

void copy_permuted(ThreadPool& pool, void* dst, const void* src, size_t elem_size, const ir::Shape& view,
                   const std::vector<int64_t>& perm) {
  const auto strides = ir::shape_strides(view);
  ir::Shape out;
  std::vector<int64_t> src_strides;
  for (int64_t p : perm) {
    out.push_back(view[static_cast<size_t>(p)]);
    src_strides.push_back(strides[static_cast<size_t>(p)]);
  }
  copy_strided(pool, dst, src, elem_size, out, src_strides);
}

}  // namespace rknnc::runtime::kernels
