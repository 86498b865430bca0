#pragma once
// Working memory a kernel writes before it reads it (packed panels, blocked
// copies): kept per thread and grown, never cleared, so a layer does not pay
// for zeroing or for page faults of memory the previous layer already had.
#include <cstddef>
#include <memory>
#include <new>
#include <utility>
#include <vector>

namespace rknnc::runtime::kernels {

class Scratch {
 public:
  // At least n floats, contents unspecified.
  // On a cache line: the blocks kernels keep here are read as 64-byte
  // vectors, which would otherwise straddle two lines.
  float* floats(size_t n) {
    if (n > size_) {
      data_.reset(static_cast<float*>(::operator new(n * sizeof(float), kAlignment)));
      size_ = n;
    }
    return data_.get();
  }

 private:
  static constexpr std::align_val_t kAlignment{64};
  struct Free {
    void operator()(float* p) const { ::operator delete(p, kAlignment); }
  };
  std::unique_ptr<float, Free> data_;
  size_t size_ = 0;
};

// An allocator whose vectors leave new elements uninitialised (resize
// without the memset), for buffers their users fill before reading.
template <typename T>
struct UninitAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = UninitAllocator<U>;
  };
  UninitAllocator() = default;
  template <typename U>
  UninitAllocator(const UninitAllocator<U>&) {}
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    if constexpr (sizeof...(Args) == 0) ::new (static_cast<void*>(p)) U;
    else ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

// A reused vector (a thread_local buffer, a packed operand) made to hold at
// least n values: it grows and never shrinks, so what the values are is
// unspecified; every user writes them before it reads them.
template <typename T, typename Alloc>
void grow_to(std::vector<T, Alloc>& v, size_t n) {
  if (v.size() < n) v.resize(n);
}

}  // namespace rknnc::runtime::kernels
