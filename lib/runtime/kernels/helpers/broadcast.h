#pragma once
// numpy broadcasting as a row iterator. A plan maps the output index space
// onto every input by strides (0 on broadcast dims); adjacent dims that move
// together in all operands are merged, so the innermost row is as long as
// possible. Kernels loop over rows, each with per-operand start offsets and
// inner strides (0 or 1 for broadcast operands, anything for strided views).
#include <algorithm>
#include <cstdint>
#include <vector>

#include "ir/shape.h"
#include "runtime/kernel.h"

namespace rknnc::runtime::kernels {

// The broadcast of several shapes; ctx.fail names the node on a mismatch.
ir::Shape broadcast_shapes(const KernelContext& ctx, const std::vector<ir::Shape>& shapes);

class RowPlan {
 public:
  // `shape` is the iteration space; strides[k][d] the element stride of
  // operand k along dim d (same rank as shape).
  RowPlan(const ir::Shape& shape, std::vector<std::vector<int64_t>> strides);
  // A plan where operand k has shape in[k], broadcast to `out` (operand 0 of
  // the plan is the contiguous output itself, operands 1.. the inputs).
  static RowPlan broadcast(const ir::Shape& out, const std::vector<ir::Shape>& in);

  int64_t rows() const { return rows_; }
  int64_t row_length() const { return inner_; }
  size_t operands() const { return inner_stride_.size(); }
  int64_t inner_stride(size_t k) const { return inner_stride_[k]; }
  // Start offset of operand k for row r.
  void row_offsets(int64_t r, int64_t* offsets) const;

  // fn(const int64_t* offsets, const int64_t* inner_strides, int64_t n) for
  // rows [begin, end).
  template <typename Fn>
  void for_rows(int64_t begin, int64_t end, Fn&& fn) const {
    std::vector<int64_t> off(operands());
    for (int64_t r = begin; r < end; ++r) {
      row_offsets(r, off.data());
      fn(off.data(), inner_stride_.data(), inner_);
    }
  }

  // Rows cut into pieces of at most `piece` elements, so that a long merged
  // row (two same-shape tensors are one row) still splits over the thread
  // pool: item i is piece i % pieces_per_row of row i / pieces_per_row.
  int64_t pieces_per_row(int64_t piece) const { return inner_ > piece ? (inner_ + piece - 1) / piece : 1; }
  // fn as for_rows, for every piece of every row, on the pool; `cost` per element.
  template <typename Fn>
  void parallel_pieces(ThreadPool& pool, int64_t piece, int64_t cost, Fn&& fn) const {
    pool.parallel_for(rows_ * pieces_per_row(piece), std::min(inner_, piece) * cost,
                      [&](int64_t b, int64_t e) { for_pieces(piece, b, e, fn); });
  }
  template <typename Fn>
  void for_pieces(int64_t piece, int64_t begin, int64_t end, Fn&& fn) const {
    const int64_t per_row = pieces_per_row(piece);
    std::vector<int64_t> off(operands());
    for (int64_t i = begin; i < end; ++i) {
      row_offsets(i / per_row, off.data());
      const int64_t start = i % per_row * piece;
      for (size_t k = 0; k < off.size(); ++k) off[k] += start * inner_stride_[k];
      fn(off.data(), inner_stride_.data(), std::min(piece, inner_ - start));
    }
  }

 private:
  ir::Shape outer_;                          // dims above the row
  std::vector<std::vector<int64_t>> outer_strides_;  // [operand][dim]
  std::vector<int64_t> inner_stride_;
  int64_t inner_ = 1;
  int64_t rows_ = 1;
};

// Strides of `in` broadcast against rank-`rank` output dims `out` (0 on broadcast dims).
std::vector<int64_t> broadcast_strides(const ir::Shape& in, const ir::Shape& out);

}  // namespace rknnc::runtime::kernels
