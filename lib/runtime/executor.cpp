#include "runtime/executor.h"

#include <fmt/ranges.h>

namespace rknnc::runtime {
namespace {

std::string opset_note(const ir::Graph& g) { return g.opset ? fmt::format(", opset {}", g.opset) : ""; }

}  // namespace

std::vector<const ir::Node*> Executor::unsupported_nodes(const ir::Graph& graph) {
  std::vector<const ir::Node*> missing;
  for (const auto& n : graph.nodes)
    if (!KernelRegistry::instance().has_op(n->op_type)) missing.push_back(n.get());
  return missing;
}

Executor::Executor(const ir::Graph& graph, ThreadPool& pool) : graph_(graph), pool_(pool) {
  auto missing = unsupported_nodes(graph);
  if (!missing.empty()) {
    const ir::Node& n = *missing.front();
    fail("node '{}': op {}{} is not supported by rknnc (supported ops: `rknnc inspect --ops`)", n.name, n.op_type,
         opset_note(graph));
  }
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    for (const auto& in : graph.nodes[i]->inputs) last_use_[in] = i;
}

void Executor::check_inputs(const TensorMap& inputs) const {
  for (const auto& name : graph_.inputs) {
    auto it = inputs.find(name);
    if (it == inputs.end()) fail("input '{}' was not given", name);
    const ir::ValueInfo* vi = graph_.info(name);
    const ir::Shape& got = it->second.shape();
    if (!vi || !vi->has_shape) continue;
    bool ok = got.size() == vi->shape.size();
    for (size_t d = 0; ok && d < got.size(); ++d) ok = vi->shape[d] < 0 || vi->shape[d] == got[d];
    if (!ok) fail("input '{}' has shape {}, the model expects {}", name, ir::shape_str(got), ir::shape_str(vi->shape));
    if (vi->dtype != it->second.dtype())
      fail("input '{}' is {}, the model expects {}", name, ir::dtype_name(it->second.dtype()),
           ir::dtype_name(vi->dtype));
  }
}

std::vector<ir::Tensor> Executor::run_node(const ir::Node& node, const std::vector<const ir::Tensor*>& inputs,
                                           ThreadPool& pool) {
  KernelContext ctx{node, inputs, std::vector<ir::Tensor>(node.outputs.size()), pool};
  KernelFn fn = KernelRegistry::instance().find(node.op_type, dispatch_type(ctx));
  if (!fn) {
    if (!KernelRegistry::instance().has_op(node.op_type))
      fail("node '{}': op {} is not supported by rknnc", node.name, node.op_type);
    ctx.fail("no kernel for input type {}", ir::dtype_name(dispatch_type(ctx)));
  }
  fn(ctx);
  for (size_t i = 0; i < ctx.outputs.size(); ++i)
    if (!node.outputs[i].empty() && ctx.outputs[i].empty()) ctx.fail("kernel produced no output {}", i);
  return std::move(ctx.outputs);
}

TensorMap Executor::run(const TensorMap& inputs, const NodeObserver& observer) const {
  check_inputs(inputs);
  TensorMap live = inputs;
  for (const auto& [name, t] : graph_.initializers) live[name] = t;
  for (size_t i = 0; i < graph_.nodes.size(); ++i) {
    const ir::Node& node = *graph_.nodes[i];
    std::vector<const ir::Tensor*> args;
    for (const auto& in : node.inputs) {
      if (in.empty()) {
        args.push_back(nullptr);
        continue;
      }
      auto it = live.find(in);
      if (it == live.end()) fail("node '{}' reads '{}', which was not computed", node.name, in);
      args.push_back(&it->second);
    }
    std::vector<ir::Tensor> outs = run_node(node, args, pool_);
    if (observer) observer(node, outs);
    for (size_t o = 0; o < outs.size(); ++o)
      if (!node.outputs[o].empty()) live[node.outputs[o]] = std::move(outs[o]);
    for (const auto& in : node.inputs) {
      auto lu = last_use_.find(in);
      if (lu != last_use_.end() && lu->second == i && !graph_.is_graph_output(in) && !graph_.is_constant(in))
        live.erase(in);
    }
  }
  TensorMap result;
  for (const auto& out : graph_.outputs) {
    auto it = live.find(out);
    if (it == live.end()) fail("graph output '{}' was not computed", out);
    result[out] = it->second;
  }
  return result;
}

}  // namespace rknnc::runtime
