// ProgramRunner's fusion of the input normalisation (program_runner.h):
// the steps a conversion puts before the first quantisation run as one.
#include <string_view>
#include <vector>

#include "runtime/program_runner.h"

namespace rknnc::runtime {
namespace {

using compiler::Buffer;
using compiler::Region;
using compiler::Step;

// A Sub / Div constant that applies per channel (dim 1) of a value of `shape`:
// one value, or C values on dim 1 only (right-aligned broadcasting).
bool per_channel_constant(const ir::Tensor* c, const ir::Shape& shape) {
  if (!c || c->dtype() != ir::DataType::Float32 || shape.size() < 2) return false;
  if (c->numel() == 1) return true;
  const ir::Shape& cs = c->shape();
  if (cs.size() > shape.size() || cs.size() < shape.size() - 1) return false;
  const size_t channel_dim = cs.size() - (shape.size() - 1);  // dim 1 of shape, right-aligned
  for (size_t d = 0; d < cs.size(); ++d)
    if (cs[d] != (d == channel_dim ? shape[1] : 1)) return false;
  return true;
}

}  // namespace

// The input normalisation a conversion puts before the first quantisation
// (the graph input minus the mean, divided by the std, then QuantizeLinear:
// three passes over the image on the CPU) runs as one rknnc.NormalizeQuantize
// pass at the QuantizeLinear's step, with the same float operations
// (mobilenetv2's 0.13 ms of int8 run at one thread). The Sub / Div values
// are read by nothing else, so they are never held.
void ProgramRunner::fuse_input_normalisation() {
  std::vector<int> readers(program_.buffers.size(), 0), producer(program_.buffers.size(), -1);
  for (size_t k = 0; k < program_.steps.size(); ++k) {
    for (int b : program_.steps[k].inputs)
      if (b >= 0) ++readers[static_cast<size_t>(b)];
    for (int b : program_.steps[k].outputs)
      if (b >= 0) producer[static_cast<size_t>(b)] = static_cast<int>(k);
  }
  auto cpu_step = [&](int k, const char* op) {
    const Step& s = program_.steps[static_cast<size_t>(k)];
    return s.kind == Step::Kind::Compute && s.device == compiler::Device::Cpu && s.op_type == op &&
           !on_blocks_[static_cast<size_t>(k)] && !s.inputs.empty() && s.inputs[0] >= 0;
  };
  auto float_buffer = [&](int b) { return use_.dtype[static_cast<size_t>(b)] == ir::DataType::Float32; };
  for (size_t q = 0; q < program_.steps.size(); ++q) {
    const Step& qs = program_.steps[q];
    if (!cpu_step(static_cast<int>(q), "QuantizeLinear") || qs.inputs.size() < 2 || qs.inputs[1] >= 0 ||
        (qs.inputs.size() > 2 && qs.inputs[2] >= 0) || !constants_[q][1] || constants_[q][1]->numel() != 1)
      continue;
    // back through a Div, then a Sub, each by a per-channel constant
    int x = qs.inputs[0];
    const ir::Tensor* ops[2] = {nullptr, nullptr};  // the Sub's and the Div's constants
    std::vector<int> chain;
    for (const char* op : {"Div", "Sub"}) {
      const int k = producer[static_cast<size_t>(x)];
      const Buffer& b = program_.buffers[static_cast<size_t>(x)];
      if (k < 0 || !cpu_step(k, op) || readers[static_cast<size_t>(x)] != 1 || b.region != Region::Internal ||
          !float_buffer(x))
        continue;
      const Step& s = program_.steps[static_cast<size_t>(k)];
      const ir::Tensor* c = s.inputs.size() == 2 && s.inputs[1] < 0 ? constants_[static_cast<size_t>(k)][1] : nullptr;
      if (!per_channel_constant(c, b.shape)) continue;
      ops[std::string_view(op) == "Sub" ? 0 : 1] = c;
      chain.push_back(k);
      x = s.inputs[0];
    }
    const Buffer& in = program_.buffers[static_cast<size_t>(x)];
    if (chain.empty() || in.region != Region::Input || !float_buffer(x)) continue;
    const ir::Node& qn = *nodes_[q];
    auto node = std::make_unique<ir::Node>();
    node->name = qn.name;
    node->op_type = "rknnc.NormalizeQuantize";
    const ir::Node& first = *nodes_[static_cast<size_t>(chain.back())];
    node->inputs = {first.inputs[0], qn.inputs[1], qn.inputs.size() > 2 ? qn.inputs[2] : std::string(),
                    ops[0] ? nodes_[static_cast<size_t>(chain.back())]->inputs[1] : std::string(),
                    ops[1] ? nodes_[static_cast<size_t>(chain.front())]->inputs[1] : std::string()};
    node->outputs = qn.outputs;
    node->attrs = qn.attrs;
    runners_[q] = std::make_unique<NodeRunner>(*node, &graph_, &graph_.quant, NodeRunner::Halves::InFloats);
    constants_[q] = {nullptr, constants_[q][1], qs.inputs.size() > 2 ? constants_[q][2] : nullptr, ops[0], ops[1]};
    inputs_[q] = {x, -1, -1, -1, -1};
    nodes_[q] = node.get();
    fused_nodes_.push_back(std::move(node));
    for (int k : chain) fused_away_[static_cast<size_t>(k)] = 1;
  }
}

}  // namespace rknnc::runtime
