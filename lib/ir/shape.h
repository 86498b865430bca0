#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace rknnc::ir {

// Static dims; kDynamic marks a dim only known at run time (allowed at the
// graph edges when dynamic_input is given).
constexpr int64_t kDynamic = -1;

using Shape = std::vector<int64_t>;

int64_t shape_numel(const Shape& s);  // -1 when any dim is dynamic
bool shape_is_static(const Shape& s);
std::string shape_str(const Shape& s);  // "[1,3,224,224]", "?" for dynamic dims
// 1, 3 or 4 (grey, RGB, RGBA): a last dim like this, after a dim that is not,
// makes an image input channels-last (the dataset loader and the mean_values
// check read layouts by the same rule).
bool is_image_channel_count(int64_t d);
// Row-major strides in elements.
std::vector<int64_t> shape_strides(const Shape& s);
// Normalises a possibly negative axis against rank; throws rknnc::Error when out of range.
int64_t normalize_axis(int64_t axis, size_t rank, const std::string& what);

}  // namespace rknnc::ir
