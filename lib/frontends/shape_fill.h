#pragma once
#include <string>

#include "ir/graph.h"

namespace rknnc::frontends {
// Runs the graph once on zero inputs. This gives every value a dtype and,
// when the inputs are static, a shape where the framework's own shape
// inference left gaps (custom domains, data-dependent Reshape targets), and
// with `always` it also proves every node executable on its shapes (a Conv
// whose weight does not fit its input fails here, at load time, naming the node).
void fill_shapes_by_execution(ir::Graph& g, const std::string& file, bool always);
}  // namespace rknnc::frontends
