#pragma once
// Index helpers for GatherElements / ScatterElements / GatherND / ScatterND:
// index tensors read as int64 with negative indices wrapped and checked.
#include <vector>

#include "runtime/kernel.h"

namespace rknnc::runtime::kernels {

// indices (int32 / int64) as int64, each wrapped into [0, dim) or a failure.
std::vector<int64_t> checked_indices(const KernelContext& ctx, const ir::Tensor& indices, int64_t dim);

// Element offset into `data_shape` for each element of an index tensor of
// shape `index_shape` whose value replaces the coordinate on `axis`
// (GatherElements / ScatterElements).
std::vector<int64_t> element_offsets(const KernelContext& ctx, const ir::Shape& data_shape,
                                     const ir::Shape& index_shape, const ir::Tensor& indices, int64_t axis);

// GatherND / ScatterND: for indices [..., k] into data, the element offset of
// each addressed slice (k leading dims of data after batch_dims) and the
// slice length.
struct SliceOffsets {
  std::vector<int64_t> offsets;
  int64_t slice = 1;
};
SliceOffsets nd_offsets(const KernelContext& ctx, const ir::Shape& data_shape, const ir::Tensor& indices,
                        int64_t batch_dims);

// ScatterElements / ScatterND `reduction`: how an update meets the old value.
enum class Reduction { None, Add, Mul, Max, Min };
Reduction read_reduction(const KernelContext& ctx);

template <typename T>
T reduce_update(Reduction r, T old, T update) {
  switch (r) {
    case Reduction::Add: return static_cast<T>(old + update);
    case Reduction::Mul: return static_cast<T>(old * update);
    case Reduction::Max: return old < update ? update : old;
    case Reduction::Min: return update < old ? update : old;
    case Reduction::None: break;
  }
  return update;
}

}  // namespace rknnc::runtime::kernels
