#include "ir/shape.h"

#include "ir/size_limit.h"

#include <limits>

#include "util/error.h"

namespace rknnc::ir {

// Saturates at INT64_MAX when the product overflows (size_limit.h relies on it).
int64_t shape_numel(const Shape& s) {
  int64_t n = 1;
  bool overflow = false;
  for (int64_t d : s) {
    if (d < 0) return -1;
    overflow |= __builtin_mul_overflow(n, d, &n);
  }
  return overflow ? std::numeric_limits<int64_t>::max() : n;
}

void check_tensor_size(const Shape& s, const std::string& what) {
  const int64_t n = shape_numel(s);
  if (n <= kMaxTensorElements) return;
  fail("{} has shape {}: {} elements, more than the {} one tensor may have; check the model's dims (or "
       "subgraphs.input_size_list)",
       what, shape_str(s), n == std::numeric_limits<int64_t>::max() ? "too many" : std::to_string(n),
       kMaxTensorElements);
}

bool shape_is_static(const Shape& s) { return shape_numel(s) >= 0; }

bool is_image_channel_count(int64_t d) { return d == 1 || d == 3 || d == 4; }

std::string shape_str(const Shape& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) {
    if (i) out += ',';
    out += s[i] < 0 ? std::string("?") : std::to_string(s[i]);
  }
  return out + "]";
}

std::vector<int64_t> shape_strides(const Shape& s) {
  std::vector<int64_t> strides(s.size(), 1);
  for (size_t i = s.size(); i-- > 1;) strides[i - 1] = strides[i] * s[i];
  return strides;
}

int64_t normalize_axis(int64_t axis, size_t rank, const std::string& what) {
  const auto r = static_cast<int64_t>(rank);
  if (axis < -r || axis >= r) fail("{}: axis {} is out of range for rank {}", what, axis, r);
  return axis < 0 ? axis + r : axis;
}

}  // namespace rknnc::ir
