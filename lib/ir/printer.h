#pragma once
#include <ostream>

#include "ir/graph.h"

namespace rknnc::ir {
// Human-readable text form, one node per line:
//   %out:float32[1,8,4,4] = Conv(%x, %w, %b) {kernel_shape=[3,3], pads=[1,1,1,1]}
void print(const Graph& g, std::ostream& os);
}  // namespace rknnc::ir
