#include "compiler/weight_packing.h"

#include "compiler/layout.h"

namespace rknnc::compiler {

std::map<std::string, int> packed_weights(const Program& p, const ir::Graph& g) {
  std::map<std::string, int> out;
  for (const Step& s : p.steps) {
    if (s.kind != Step::Kind::Compute || s.device != Device::Npu || s.op_type != "Conv") continue;
    const ir::Node& n = *g.nodes[static_cast<size_t>(s.node)];
    const ir::Tensor* w = g.constant(n.input(1));
    if (!w || w->shape().size() != 4 || w->shape()[1] == 1 || s.inputs.empty() || s.inputs[0] < 0) continue;
    const Buffer& in = p.buffers[static_cast<size_t>(s.inputs[0])];
    if (in.layout == kNc1hwc2) out.emplace(n.input(1), in.c2);
  }
  return out;
}

}  // namespace rknnc::compiler
