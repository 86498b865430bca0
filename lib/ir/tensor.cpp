#include "ir/tensor.h"

#include <new>

#include "ir/size_limit.h"
#include "util/error.h"
#include "util/half.h"
#include "util/huge_pages.h"

namespace rknnc::ir {

std::byte* Tensor::StorageAllocator::allocate(size_t n) {
  auto* p = static_cast<std::byte*>(::operator new(n));
  // Weights and activations of megabytes go on 2 MB pages: loading resnet50's
  // 100 MB of weights faulted 25,000 small pages, which cost more than copying them.
  if (n >= size_t{4} * 1024 * 1024) advise_huge_pages(p, n);
  return p;
}

void Tensor::StorageAllocator::deallocate(std::byte* p, size_t) noexcept { ::operator delete(p); }

Tensor::Tensor(DataType dtype, Shape shape) : Tensor(dtype, std::move(shape), true) {}

Tensor::Tensor(DataType dtype, Shape shape, bool zero) : dtype_(dtype), shape_(std::move(shape)) {
  numel_ = shape_numel(shape_);
  if (numel_ < 0) fail("cannot allocate a tensor of dynamic shape {}", shape_str(shape_));
  check_tensor_size(shape_, "a tensor");
  const size_t bytes = static_cast<size_t>(numel_) * dtype_size(dtype);
  storage_ = zero ? std::make_shared<Bytes>(bytes, std::byte{0}) : std::make_shared<Bytes>(bytes);
}

Tensor Tensor::unfilled(DataType dtype, Shape shape) { return Tensor(dtype, std::move(shape), false); }

Tensor Tensor::from_bytes(DataType dtype, Shape shape, const void* data, size_t nbytes) {
  Tensor t = unfilled(dtype, std::move(shape));
  if (nbytes != t.nbytes())
    fail("tensor data has {} bytes, shape {} of {} needs {}", nbytes, shape_str(t.shape()),
         dtype_name(dtype), t.nbytes());
  if (nbytes) std::memcpy(t.raw(), data, nbytes);
  return t;
}

Tensor Tensor::reshaped(Shape shape) const {
  if (shape_numel(shape) != numel_)
    fail("cannot reshape {} to {}", shape_str(shape_), shape_str(shape));
  Tensor t = *this;
  t.shape_ = std::move(shape);
  return t;
}

Tensor Tensor::clone() const {
  Tensor t = *this;
  if (storage_) t.storage_ = std::make_shared<Bytes>(*storage_);
  return t;
}

void Tensor::check_type(DataType want) const {
  if (want != dtype_ && !(want == DataType::UInt8 && dtype_ == DataType::Bool) &&
      !(want == DataType::Bool && dtype_ == DataType::UInt8))
    fail("internal: tensor of {} read as {}", dtype_name(dtype_), dtype_name(want));
}

double Tensor::get_as_double(int64_t i) const {
  const void* p = raw();
  switch (dtype_) {
    case DataType::Float32: return static_cast<const float*>(p)[i];
    case DataType::Float64: return static_cast<const double*>(p)[i];
    case DataType::Float16: return half_to_float(static_cast<const uint16_t*>(p)[i]);
    case DataType::Int8: return static_cast<const int8_t*>(p)[i];
    case DataType::UInt8:
    case DataType::Bool: return static_cast<const uint8_t*>(p)[i];
    case DataType::Int16: return static_cast<const int16_t*>(p)[i];
    case DataType::UInt16: return static_cast<const uint16_t*>(p)[i];
    case DataType::Int32: return static_cast<const int32_t*>(p)[i];
    case DataType::UInt32: return static_cast<const uint32_t*>(p)[i];
    case DataType::Int64: return static_cast<double>(static_cast<const int64_t*>(p)[i]);
    case DataType::UInt64: return static_cast<double>(static_cast<const uint64_t*>(p)[i]);
    default: fail("tensor of {} has no numeric value", dtype_name(dtype_));
  }
}

int64_t Tensor::get_as_int(int64_t i) const {
  if (dtype_ == DataType::Int64) return static_cast<const int64_t*>(raw())[i];
  if (dtype_ == DataType::UInt64) return static_cast<int64_t>(static_cast<const uint64_t*>(raw())[i]);
  return static_cast<int64_t>(get_as_double(i));
}

std::vector<int64_t> Tensor::to_int_vector() const {
  std::vector<int64_t> out(static_cast<size_t>(numel_));
  for (int64_t i = 0; i < numel_; ++i) out[static_cast<size_t>(i)] = get_as_int(i);
  return out;
}

std::vector<float> Tensor::to_float_vector() const {
  std::vector<float> out(static_cast<size_t>(numel_));
  for (int64_t i = 0; i < numel_; ++i) out[static_cast<size_t>(i)] = static_cast<float>(get_as_double(i));
  return out;
}

}  // namespace rknnc::ir
