#pragma once
#include <string>

#include "ir/graph.h"

namespace rknnc::frontends {
// Gives every value a dtype and, when the inputs are static, a shape, by
// running the graph once on zero inputs where the framework's own shape
// inference left gaps (custom domains, data-dependent Reshape targets).
void fill_missing_shapes(ir::Graph& g, const std::string& file);
}  // namespace rknnc::frontends
