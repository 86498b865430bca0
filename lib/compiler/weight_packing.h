#pragma once
// Which constants the NPU reads packed (layout.h, OI1HWI2): the weights of
// every Conv step on the NPU whose input is NC1HWC2, except depthwise weights
// ([C, 1, KH, KW] already follow their channel). Value: the C2 to pack with.
#include <map>
#include <string>

#include "compiler/program.h"
#include "ir/graph.h"

namespace rknnc::compiler {

std::map<std::string, int> packed_weights(const Program& p, const ir::Graph& g);

}  // namespace rknnc::compiler
