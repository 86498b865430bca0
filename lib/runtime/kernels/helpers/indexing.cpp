#include "runtime/kernels/helpers/indexing.h"

namespace rknnc::runtime::kernels {

std::vector<int64_t> checked_indices(const KernelContext& ctx, const ir::Tensor& indices, int64_t dim) {
  if (indices.dtype() != ir::DataType::Int64 && indices.dtype() != ir::DataType::Int32)
    ctx.fail("indices must be int32 or int64, got {}", ir::dtype_name(indices.dtype()));
  std::vector<int64_t> ind = indices.to_int_vector();
  for (auto& i : ind) {
    if (i < -dim || i >= dim) ctx.fail("index {} is out of range for a dim of size {}", i, dim);
    if (i < 0) i += dim;
  }
  return ind;
}

std::vector<int64_t> element_offsets(const KernelContext& ctx, const ir::Shape& data_shape,
                                     const ir::Shape& index_shape, const ir::Tensor& indices, int64_t axis) {
  if (index_shape.size() != data_shape.size())
    ctx.fail("indices have rank {}, data rank {}", index_shape.size(), data_shape.size());
  const std::vector<int64_t> ind = checked_indices(ctx, indices, data_shape[static_cast<size_t>(axis)]);
  const auto strides = ir::shape_strides(data_shape);
  std::vector<int64_t> out(ind.size());
  std::vector<int64_t> coord(index_shape.size(), 0);
  for (size_t e = 0; e < ind.size(); ++e) {
    int64_t off = 0;
    for (size_t d = 0; d < coord.size(); ++d) {
      const int64_t c = static_cast<int64_t>(d) == axis ? ind[e] : coord[d];
      if (c >= data_shape[d]) ctx.fail("indices shape {} exceeds data shape {}", ir::shape_str(index_shape), ir::shape_str(data_shape));
      off += c * strides[d];
    }
    out[e] = off;
    for (size_t d = coord.size(); d-- > 0;)  // next coordinate, row-major
      if (++coord[d] < index_shape[d]) break;
      else coord[d] = 0;
  }
  return out;
}

SliceOffsets nd_offsets(const KernelContext& ctx, const ir::Shape& data_shape, const ir::Tensor& indices,
                        int64_t batch_dims) {
  const ir::Shape& is = indices.shape();
  if (is.empty()) ctx.fail("indices must have at least 1 dim");
  const int64_t k = is.back(), r = static_cast<int64_t>(data_shape.size());
  if (batch_dims < 0 || batch_dims + k > r || batch_dims >= static_cast<int64_t>(is.size()))
    ctx.fail("indices shape {} with batch_dims {} does not fit data shape {}", ir::shape_str(is), batch_dims, ir::shape_str(data_shape));
  for (int64_t d = 0; d < batch_dims; ++d)
    if (is[static_cast<size_t>(d)] != data_shape[static_cast<size_t>(d)])
      ctx.fail("batch dim {} differs: indices {}, data {}", d, ir::shape_str(is), ir::shape_str(data_shape));
  if (indices.dtype() != ir::DataType::Int64 && indices.dtype() != ir::DataType::Int32)
    ctx.fail("indices must be int32 or int64, got {}", ir::dtype_name(indices.dtype()));
  const auto strides = ir::shape_strides(data_shape);
  SliceOffsets s;
  for (int64_t d = batch_dims + k; d < r; ++d) s.slice *= data_shape[static_cast<size_t>(d)];
  int64_t batch = 1;
  for (int64_t d = 0; d < batch_dims; ++d) batch *= data_shape[static_cast<size_t>(d)];
  const int64_t tuples = ir::shape_numel(ir::Shape(is.begin(), is.end() - 1)), per_batch = batch > 0 ? tuples / batch : 0;
  const int64_t batch_stride = batch_dims > 0 ? strides[static_cast<size_t>(batch_dims - 1)] : 0;
  const std::vector<int64_t> raw = indices.to_int_vector();
  for (int64_t t = 0; t < tuples; ++t) {
    int64_t off = per_batch > 0 ? (t / per_batch) * batch_stride : 0;
    for (int64_t j = 0; j < k; ++j) {
      const auto d = static_cast<size_t>(batch_dims + j);
      int64_t i = raw[static_cast<size_t>(t * k + j)];
      if (i < -data_shape[d] || i >= data_shape[d]) ctx.fail("index {} is out of range for dim {} of size {}", i, d, data_shape[d]);
      if (i < 0) i += data_shape[d];
      off += i * strides[d];
    }
    s.offsets.push_back(off);
  }
  return s;
}

Reduction read_reduction(const KernelContext& ctx) {
  const std::string r = ctx.attrs().get_string("reduction", "none");
  if (r == "none") return Reduction::None;
  if (r == "add") return Reduction::Add;
  if (r == "mul") return Reduction::Mul;
  if (r == "max") return Reduction::Max;
  if (r == "min") return Reduction::Min;
  ctx.fail("reduction '{}' is not one of none, add, mul, max, min", r);
}

}  // namespace rknnc::runtime::kernels
