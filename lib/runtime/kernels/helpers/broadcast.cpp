#include "runtime/kernels/helpers/broadcast.h"

#include <algorithm>

namespace rknnc::runtime::kernels {

ir::Shape broadcast_shapes(const KernelContext& ctx, const std::vector<ir::Shape>& shapes) {
  size_t rank = 0;
  for (const auto& s : shapes) rank = std::max(rank, s.size());
  ir::Shape out(rank, 1);
  for (const auto& s : shapes) {
    const size_t lead = rank - s.size();
    for (size_t d = 0; d < s.size(); ++d) {
      int64_t& o = out[lead + d];
      if (s[d] == o || s[d] == 1) continue;
      if (o == 1) {
        o = s[d];
        continue;
      }
      std::string all;
      for (const auto& t : shapes) all += (all.empty() ? "" : " and ") + ir::shape_str(t);
      ctx.fail("shapes {} do not broadcast (numpy rules)", all);
    }
  }
  return out;
}

std::vector<int64_t> broadcast_strides(const ir::Shape& in, const ir::Shape& out) {
  std::vector<int64_t> strides(out.size(), 0);
  const size_t lead = out.size() - in.size();
  int64_t s = 1;
  for (size_t d = in.size(); d-- > 0;) {
    strides[lead + d] = in[d] == 1 ? 0 : s;
    s *= in[d];
  }
  return strides;
}

RowPlan::RowPlan(const ir::Shape& shape, std::vector<std::vector<int64_t>> strides) {
  const size_t n = strides.size();
  // Drop size-1 dims, then merge dim d into d+1 when every operand is
  // contiguous across the pair.
  ir::Shape dims;
  std::vector<std::vector<int64_t>> st(n);
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1) continue;
    bool merge = !dims.empty();
    for (size_t k = 0; merge && k < n; ++k) merge = st[k].back() == strides[k][d] * shape[d];
    if (merge) {
      dims.back() *= shape[d];
      for (size_t k = 0; k < n; ++k) st[k].back() = strides[k][d];
    } else {
      dims.push_back(shape[d]);
      for (size_t k = 0; k < n; ++k) st[k].push_back(strides[k][d]);
    }
  }
  inner_stride_.assign(n, 0);
  if (!dims.empty()) {
    inner_ = dims.back();
    for (size_t k = 0; k < n; ++k) inner_stride_[k] = st[k].back();
    dims.pop_back();
    for (auto& s : st) s.pop_back();
  }
  for (int64_t d : shape)
    if (d == 0) inner_ = 0;
  outer_ = dims;
  outer_strides_ = std::move(st);
  rows_ = inner_ == 0 ? 0 : ir::shape_numel(outer_);
}

RowPlan RowPlan::broadcast(const ir::Shape& out, const std::vector<ir::Shape>& in) {
  std::vector<std::vector<int64_t>> strides;
  strides.push_back(ir::shape_strides(out));
  for (const auto& s : in) strides.push_back(broadcast_strides(s, out));
  return RowPlan(out, std::move(strides));
}

void RowPlan::row_offsets(int64_t r, int64_t* offsets) const {
  const size_t n = inner_stride_.size();
  std::fill(offsets, offsets + n, 0);
  for (size_t d = outer_.size(); d-- > 0;) {
    const int64_t i = r % outer_[d];
    r /= outer_[d];
    for (size_t k = 0; k < n; ++k) offsets[k] += i * outer_strides_[k][d];
  }
}

}  // namespace rknnc::runtime::kernels
