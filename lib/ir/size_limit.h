#pragma once
// How large one tensor may be. Every shape read from a file (model inputs,
// initializers, Constant values, inferred shapes, .npy headers, YAML dims) and
// every kernel output is checked against it before anything is allocated, so
// a hostile or broken file is a one-line error naming the tensor, never an
// allocation failure (docs/cli.md "Limits and bad input").
#include <cstdint>
#include <string>

#include "ir/shape.h"

namespace rknnc::ir {

// 2^31 elements (8 GiB of float32); real models stay far below.
constexpr int64_t kMaxTensorElements = int64_t{1} << 31;

// Fails (exit 1) when the static shape `s` has more than kMaxTensorElements
// elements: "{what} has shape [..]: N elements, more than ...". shape_numel
// saturates at INT64_MAX, so a product that overflows is caught too.
void check_tensor_size(const Shape& s, const std::string& what);

}  // namespace rknnc::ir
