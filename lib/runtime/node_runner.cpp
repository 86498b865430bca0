#include "runtime/node_runner.h"

#include "runtime/kernels/helpers/convert_float_on.h"

namespace rknnc::runtime {
namespace {

std::vector<const ir::QuantParams*> quant_of(const std::vector<std::string>& names,
                                             const std::map<std::string, ir::QuantParams>* quant) {
  std::vector<const ir::QuantParams*> out;
  if (!quant || quant->empty()) return out;
  for (const auto& n : names) {
    auto it = quant->find(n);
    out.push_back(it == quant->end() ? nullptr : &it->second);
  }
  return out;
}

bool is_half(const ir::Tensor* t) { return t && t->dtype() == ir::DataType::Float16; }

}  // namespace

NodeRunner::NodeRunner(const ir::Node& node, const ir::Graph* graph,
                       const std::map<std::string, ir::QuantParams>* quant, Halves halves)
    : node_(node),
      cache_(graph != nullptr),
      in_quant_(quant_of(node.inputs, quant)),
      out_quant_(quant_of(node.outputs, quant)) {
  // An absent optional input is as fixed as a constant.
  for (const auto& in : node.inputs) constant_.push_back(graph && (in.empty() || graph->is_constant(in)));
  if (halves == Halves::InFloats && graph)
    for (const auto& out : node.outputs) {
      const ir::ValueInfo* info = out.empty() ? nullptr : graph->info(out);
      round_out_.push_back(info && info->dtype == ir::DataType::Float16);
    }
}

NodeRunner::Kernel NodeRunner::resolve(const KernelContext& ctx) const {
  const ir::DataType dtype = dispatch_type(ctx);
  Kernel k;
  k.entry = KernelRegistry::instance().lookup(node_.op_type, dtype, ctx.quantized());
  k.widen = !k.entry && dtype == ir::DataType::Float16 && !ctx.quantized();
  if (k.widen) k.entry = KernelRegistry::instance().lookup(node_.op_type, ir::DataType::Float32);
  if (!k.entry) {
    if (!KernelRegistry::instance().has_op(node_.op_type))
      fail("node '{}': op {} is not supported by rknnc", node_.name, node_.op_type);
    ctx.fail("no {}kernel for input type {}", ctx.quantized() ? "quantised " : "", ir::dtype_name(dtype));
  }
  return k;
}

// Prepared state is cached only when every input the kernel prepares from is
// a constant of the graph; otherwise the kernel prepares on each run.
bool NodeRunner::cacheable(const KernelEntry& k) const {
  if (&k != resolved_.entry) return false;  // a run with other input types than the first
  for (size_t i = 0; i < constant_.size() && i < 32; ++i)
    if ((k.prepared_inputs >> i & 1u) && !constant_[i]) return false;
  return true;
}

void NodeRunner::invoke(KernelContext& ctx, const KernelEntry& k) const {
  if (k.prepare && cache_ && cacheable(k)) {
    std::call_once(prepare_once_, [&] { prepared_ = k.prepare(ctx); });
    ctx.prepared_state = prepared_.get();
  }
  k.fn(ctx);
}

// The node's inputs with each float16 tensor widened to float (exact;
// constants once, kept); `held` (empty on entry) keeps this run's widened copies.
std::vector<const ir::Tensor*> NodeRunner::widen_halves(const std::vector<const ir::Tensor*>& inputs,
                                                        ThreadPool& pool, std::vector<ir::Tensor>& held) const {
  std::call_once(widen_once_, [&] {
    widened_.resize(inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i)
      if (cache_ && i < constant_.size() && constant_[i] && is_half(inputs[i]))
        widened_[i] = kernels::convert_float_on(pool, *inputs[i], ir::DataType::Float32);
  });
  std::vector<const ir::Tensor*> args = inputs;
  for (size_t i = 0; i < args.size(); ++i) {
    if (!is_half(args[i])) continue;
    if (i < widened_.size() && !widened_[i].empty()) {
      args[i] = &widened_[i];
    } else {
      if (held.empty()) held.resize(inputs.size());  // once, before any pointer into it: most nodes need none
      held[i] = kernels::convert_float_on(pool, *args[i], ir::DataType::Float32);
      args[i] = &held[i];
    }
  }
  return args;
}

// fp16 simulation of an op without a float16 kernel: half inputs widen to
// float, the fp32 kernel computes (as the NPU, which accumulates wider than
// half), float outputs round to the nearest half, so values beyond the
// float16 range become inf as on the device (004 §7.1).
void NodeRunner::run_in_fp32(KernelContext& ctx, const KernelEntry& k) const {
  std::vector<ir::Tensor> held;
  KernelContext wide{ctx.node, widen_halves(ctx.inputs, ctx.pool, held), std::vector<ir::Tensor>(ctx.outputs.size()),
                     ctx.pool};
  invoke(wide, k);
  for (size_t o = 0; o < wide.outputs.size(); ++o) {
    ir::Tensor& t = wide.outputs[o];
    ctx.outputs[o] = !t.empty() && t.dtype() == ir::DataType::Float32
                         ? kernels::convert_float_on(ctx.pool, t, ir::DataType::Float16)
                         : std::move(t);
  }
}

// Halves::InFloats: each float output of a float16 value rounds in place to
// the nearest half (the values Float16 tensors would hold). Ops that only
// move values (kAnyType kernels) made no new ones.
void NodeRunner::round_outputs(KernelContext& ctx, const KernelEntry& k) const {
  if (k.dtype == kAnyType || ctx.rounded_to_half) return;
  for (size_t o = 0; o < ctx.outputs.size() && o < round_out_.size(); ++o) {
    ir::Tensor& t = ctx.outputs[o];
    if (!round_out_[o] || t.empty() || t.dtype() != ir::DataType::Float32) continue;
    for (const ir::Tensor* in : ctx.inputs)  // never round a tensor the node only passed through
      if (in && in->raw() == t.raw()) t = t.clone();
    kernels::round_to_halves_on(ctx.pool, t);
  }
}

NodeRunner::Kernel NodeRunner::kernel_for(const KernelContext& ctx) const {
  const ir::DataType dtype = dispatch_type(ctx);
  std::call_once(resolve_once_, [&] {
    resolved_ = resolve(ctx);
    resolved_dtype_ = dtype;
  });
  return dtype == resolved_dtype_ ? resolved_ : resolve(ctx);
}

std::vector<ir::Tensor> NodeRunner::run(const std::vector<const ir::Tensor*>& inputs, ThreadPool& pool,
                                        const std::vector<char>* donated) const {
  std::vector<ir::Tensor> held;
  const bool in_floats = !round_out_.empty();
  KernelContext ctx{node_, in_floats ? widen_halves(inputs, pool, held) : inputs,
                    std::vector<ir::Tensor>(node_.outputs.size()), pool, in_quant_, out_quant_};
  ctx.donated = donated;
  ctx.round_to_half = in_floats && ctx.outputs.size() == 1 && round_out_[0];
  const Kernel k = kernel_for(ctx);
  if (k.widen) {
    run_in_fp32(ctx, *k.entry);
  } else {
    invoke(ctx, *k.entry);
    if (in_floats) round_outputs(ctx, *k.entry);
  }
  for (size_t i = 0; i < ctx.outputs.size(); ++i)
    if (!node_.outputs[i].empty() && ctx.outputs[i].empty()) ctx.fail("kernel produced no output {}", i);
  return std::move(ctx.outputs);
}

}  // namespace rknnc::runtime
