#pragma once
// Attribute and small-input helpers shared by kernels.
#include <optional>
#include <vector>

#include "runtime/kernel.h"

namespace rknnc::runtime::kernels {

// Normalises (possibly negative) axes against rank; fails on out-of-range or repeated axes.
std::vector<int64_t> normalize_axes(const KernelContext& ctx, std::vector<int64_t> axes, size_t rank);
int64_t normalize_axis(const KernelContext& ctx, int64_t axis, size_t rank);
// Integer values of an optional 1-D input, nullopt when absent.
std::optional<std::vector<int64_t>> int_input(const KernelContext& ctx, size_t i);
// Scalar of any numeric dtype from an optional input (Clip min/max, Pad value).
std::optional<double> scalar_input(const KernelContext& ctx, size_t i);
// Row-major split of `shape` at `axis`: product of dims before, the dim, product after.
struct AxisSplit {
  int64_t outer = 1, dim = 1, inner = 1;
};
AxisSplit split_at_axis(const ir::Shape& shape, int64_t axis);

}  // namespace rknnc::runtime::kernels
