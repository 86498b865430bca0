#include "runtime/executor.h"

#include <fmt/ranges.h>

#include "ir/convert_float.h"
#include "runtime/cpu_features.h"

namespace rknnc::runtime {
namespace {

std::string opset_note(const ir::Graph& g) { return g.opset ? fmt::format(", opset {}", g.opset) : ""; }

std::vector<const ir::QuantParams*> quant_of(const std::vector<std::string>& names,
                                             const std::map<std::string, ir::QuantParams>& quant) {
  std::vector<const ir::QuantParams*> out;
  for (const auto& n : names) {
    auto it = quant.find(n);
    out.push_back(it == quant.end() ? nullptr : &it->second);
  }
  return out;
}

const KernelEntry* find_fp32_kernel(const ir::Node& node) {
  return KernelRegistry::instance().lookup(node.op_type, ir::DataType::Float32);
}

// Runs the kernel, with the node's cached prepared state when there is a
// slot for it and every input the kernel prepares from is a constant.
bool cacheable(const KernelEntry& k, const PreparedSlot& slot) {
  for (size_t i = 0; i < 32; ++i)
    if ((k.prepared_inputs >> i & 1u) && i < slot.constant.size() && !slot.constant[i]) return false;
  return true;
}

void invoke(KernelContext& ctx, const KernelEntry& k, PreparedSlot* slot) {
  if (slot && k.prepare && cacheable(k, *slot)) {
    std::call_once(slot->once, [&] {
      slot->state = k.prepare(ctx);
    });
    ctx.prepared_state = slot->state.get();
  }
  k.fn(ctx);
}

// fp16 simulation of an op without a float16 kernel: half inputs widen to
// float (exact), the fp32 kernel computes (as the NPU, which accumulates
// wider than half), float outputs round to the nearest half, so values beyond
// the float16 range become inf as on the device (004 §7.1).
void run_in_fp32(KernelContext& ctx, const KernelEntry& fp32_kernel, PreparedSlot* slot) {
  std::vector<ir::Tensor> widened(ctx.inputs.size());
  std::vector<const ir::Tensor*> args = ctx.inputs;
  for (size_t i = 0; i < args.size(); ++i)
    if (args[i] && args[i]->dtype() == ir::DataType::Float16) {
      widened[i] = convert_float(*args[i], ir::DataType::Float32);
      args[i] = &widened[i];
    }
  KernelContext wide{ctx.node, args, std::vector<ir::Tensor>(ctx.outputs.size()), ctx.pool};
  invoke(wide, fp32_kernel, slot);
  for (size_t o = 0; o < wide.outputs.size(); ++o) {
    ir::Tensor& t = wide.outputs[o];
    ctx.outputs[o] = !t.empty() && t.dtype() == ir::DataType::Float32 ? convert_float(t, ir::DataType::Float16)
                                                                       : std::move(t);
  }
}

}  // namespace

std::vector<const ir::Node*> Executor::unsupported_nodes(const ir::Graph& graph) {
  std::vector<const ir::Node*> missing;
  for (const auto& n : graph.nodes)
    if (!KernelRegistry::instance().has_op(n->op_type)) missing.push_back(n.get());
  return missing;
}

Executor::Executor(const ir::Graph& graph, ThreadPool& pool) : graph_(graph), pool_(pool) {
  cpu_features();  // a bad RKNNC_ISA fails here, before any kernel runs
  auto missing = unsupported_nodes(graph);
  if (!missing.empty()) {
    const ir::Node& n = *missing.front();
    fail("node '{}': op {}{} is not supported by rknnc (supported ops: `rknnc inspect --ops`)", n.name, n.op_type,
         opset_note(graph));
  }
  for (size_t i = 0; i < graph.nodes.size(); ++i)
    for (const auto& in : graph.nodes[i]->inputs) last_use_[in] = i;
  for (const auto& n : graph.nodes) {
    auto slot = std::make_unique<PreparedSlot>();
    for (const auto& in : n->inputs) slot->constant.push_back(!in.empty() && graph.is_constant(in));
    slots_.push_back(std::move(slot));
  }
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
                                           ThreadPool& pool, const std::map<std::string, ir::QuantParams>* quant) {
  return run_node(node, inputs, pool, quant, nullptr);
}

std::vector<ir::Tensor> Executor::run_node(const ir::Node& node, const std::vector<const ir::Tensor*>& inputs,
                                           ThreadPool& pool, const std::map<std::string, ir::QuantParams>* quant,
                                           PreparedSlot* slot) {
  KernelContext ctx{node, inputs, std::vector<ir::Tensor>(node.outputs.size()), pool};
  if (quant && !quant->empty()) {
    ctx.in_quant = quant_of(node.inputs, *quant);
    ctx.out_quant = quant_of(node.outputs, *quant);
  }
  const ir::DataType dtype = dispatch_type(ctx);
  const KernelEntry* k = KernelRegistry::instance().lookup(node.op_type, dtype, ctx.quantized());
  const bool widen = !k && dtype == ir::DataType::Float16 && !ctx.quantized();
  if (widen) k = find_fp32_kernel(node);
  if (!k) {
    if (!KernelRegistry::instance().has_op(node.op_type))
      fail("node '{}': op {} is not supported by rknnc", node.name, node.op_type);
    ctx.fail("no {}kernel for input type {}", ctx.quantized() ? "quantised " : "", ir::dtype_name(dtype));
  }
  if (widen)
    run_in_fp32(ctx, *k, slot);
  else
    invoke(ctx, *k, slot);
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
    std::vector<ir::Tensor> outs = run_node(node, args, pool_, &graph_.quant, slots_[i].get());
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
