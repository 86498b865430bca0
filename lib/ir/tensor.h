#pragma once
// A dense, row-major tensor with shared storage: copying a Tensor shares the
// bytes (cheap for constants passed between graph, executor and writer);
// clone() makes an independent copy.
#include <cstddef>
#include <cstring>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "ir/datatype.h"
#include "ir/shape.h"

namespace rknnc::ir {

class Tensor {
 public:
  Tensor() = default;
  Tensor(DataType dtype, Shape shape);  // zero-filled
  // Bytes left as they come from the allocator: for a producer that writes
  // every element before anything reads it (kernel outputs, copies).
  static Tensor unfilled(DataType dtype, Shape shape);
  template <typename T>
  static Tensor from(Shape shape, const std::vector<T>& values) {
    Tensor t = unfilled(dtype_of<T>(), std::move(shape));
    if (t.nbytes()) std::memcpy(t.raw(), values.data(), t.nbytes());
    return t;
  }
  static Tensor from_bytes(DataType dtype, Shape shape, const void* data, size_t nbytes);

  DataType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int64_t numel() const { return numel_; }
  size_t nbytes() const { return storage_ ? storage_->size() : 0; }
  bool empty() const { return !storage_; }

  void* raw() { return storage_ ? storage_->data() : nullptr; }
  const void* raw() const { return storage_ ? storage_->data() : nullptr; }
  template <typename T> T* data() { check_type(dtype_of<T>()); return static_cast<T*>(raw()); }
  template <typename T> const T* data() const { check_type(dtype_of<T>()); return static_cast<const T*>(raw()); }
  template <typename T> std::span<const T> values() const { return {data<T>(), static_cast<size_t>(numel_)}; }

  // Same bytes viewed with another shape of equal element count.
  Tensor reshaped(Shape shape) const;
  // No other Tensor shares these bytes (a copy, a reshaped view).
  bool sole_owner() const { return storage_ && storage_.use_count() == 1; }
  Tensor clone() const;
  // Reads element i of any numeric dtype as double / int64 (for shape ops and attributes).
  double get_as_double(int64_t i) const;
  int64_t get_as_int(int64_t i) const;
  std::vector<int64_t> to_int_vector() const;
  std::vector<float> to_float_vector() const;

 private:
  void check_type(DataType want) const;
  DataType dtype_ = DataType::Undefined;
  Shape shape_;
  int64_t numel_ = 0;
  // Default-initialising: vector(n) leaves the bytes unset, zeroing is asked
  // for. Large buffers go on transparent huge pages (tensor_storage.cpp).
  struct StorageAllocator {
    using value_type = std::byte;
    template <typename U>
    struct rebind {  // std::vector rebinds to its own element type only
      using other = StorageAllocator;
    };
    StorageAllocator() = default;
    std::byte* allocate(size_t n);
    void deallocate(std::byte* p, size_t n) noexcept;
    template <typename U>
    void construct(U* p) {
      ::new (static_cast<void*>(p)) U;
    }
    template <typename U, typename... Args>
    void construct(U* p, Args&&... args) {
      ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
    bool operator==(const StorageAllocator&) const { return true; }
  };
  using Bytes = std::vector<std::byte, StorageAllocator>;
  Tensor(DataType dtype, Shape shape, bool zero);
  std::shared_ptr<Bytes> storage_;
};

}  // namespace rknnc::ir
