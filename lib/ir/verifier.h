#pragma once
#include "ir/graph.h"

namespace rknnc::ir {
// Checks structural invariants: unique value producers, every input defined
// before use (topological order), outputs produced, value infos present and
// consistent with constants. Throws rknnc::Error naming the first violation;
// `stage` names who produced the graph ("after pass fuse_bn_into_conv").
void verify(const Graph& g, const std::string& stage);
}  // namespace rknnc::ir
