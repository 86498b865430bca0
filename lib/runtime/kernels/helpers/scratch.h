#pragma once
// Working memory a kernel writes before it reads it (packed panels, blocked
// copies): kept per thread and grown, never cleared, so a layer does not pay
// for zeroing or for page faults of memory the previous layer already had.
#include <cstddef>
#include <memory>
#include <vector>

namespace rknnc::runtime::kernels {

class Scratch {
 public:
  // At least n floats, contents unspecified.
  float* floats(size_t n) {
    if (n > size_) {
      data_.reset(new float[n]);
      size_ = n;
    }
    return data_.get();
  }

 private:
  std::unique_ptr<float[]> data_;
  size_t size_ = 0;
};

// A reused vector (a thread_local buffer, a packed operand) made to hold at
// least n values: it grows and never shrinks, so what the values are is
// unspecified; every user writes them before it reads them.
template <typename T>
void grow_to(std::vector<T>& v, size_t n) {
  if (v.size() < n) v.resize(n);
}

}  // namespace rknnc::runtime::kernels
