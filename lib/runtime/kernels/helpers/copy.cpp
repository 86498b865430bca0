#include "runtime/kernels/helpers/copy.h"

#include <cstring>

#include "runtime/kernels/helpers/broadcast.h"

namespace rknnc::runtime::kernels {
namespace {

// Rows are copied in pieces of this many bytes, so that one long row (a
// Concat of whole channel planes at batch 1) still splits over the pool.
constexpr int64_t kCopyPieceBytes = 64 << 10;

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
  plan.parallel_pieces(pool, kCopyPieceBytes / es, 1, [&](const int64_t* off, const int64_t* st, int64_t n) {
    copy_row(d + off[0] * es, s + off[1] * es, st[1], n, elem_size);
  });
}

void copy_rows(ThreadPool& pool, void* dst, int64_t dst_row, int64_t dst_col, const void* src, int64_t src_row,
               int64_t src_col, int64_t count, int64_t outer, size_t elem_size) {
  auto* d = static_cast<std::byte*>(dst);
  const auto* s = static_cast<const std::byte*>(src);
  const auto es = static_cast<int64_t>(elem_size);
  if (count == 0) return;  // empty tensors may have null storage: memcpy(nullptr, …, 0) is UB
  const RowPlan plan({outer, count}, {{dst_row, 1}, {src_row, 1}});
  plan.parallel_pieces(pool, kCopyPieceBytes / es, 1, [&](const int64_t* off, const int64_t*, int64_t n) {
    std::memcpy(d + (dst_col + off[0]) * es, s + (src_col + off[1]) * es, static_cast<size_t>(n * es));
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
