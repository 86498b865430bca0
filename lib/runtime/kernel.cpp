#include "runtime/kernel.h"

#include <algorithm>
#include <set>

#include "ir/size_limit.h"

namespace rknnc::runtime {

const ir::Tensor& KernelContext::in(size_t i) const {
  if (!has(i)) fail("input {} is required but absent", i);
  return *inputs[i];
}

ir::Tensor& KernelContext::set_output(size_t i, ir::DataType dtype, ir::Shape shape) {
  ir::Tensor& t = set_output_unfilled(i, dtype, std::move(shape));
  if (t.nbytes()) std::memset(t.raw(), 0, t.nbytes());
  return t;
}

ir::Tensor& KernelContext::set_output_in_place(size_t i, ir::DataType dtype, ir::Shape shape, size_t from) {
  const ir::Tensor* x = donated && from < donated->size() && (*donated)[from] ? inputs[from] : nullptr;
  if (!x || !x->sole_owner() || x->dtype() != dtype || x->numel() != ir::shape_numel(shape) || i >= outputs.size())
    return set_output_unfilled(i, dtype, std::move(shape));
  outputs[i] = x->reshaped(std::move(shape));
  return outputs[i];
}

ir::Tensor& KernelContext::set_output_unfilled(size_t i, ir::DataType dtype, ir::Shape shape) {
  if (i >= outputs.size()) fail("kernel wrote output {} but the node has {}", i, outputs.size());
  for (int64_t d : shape)
    if (d < 0) fail("computed a negative output dimension {}", ir::shape_str(shape));
  ir::check_tensor_size(shape, fmt::format("node '{}' ({}) output {}", node.name, node.op_type, i));
  outputs[i] = ir::Tensor::unfilled(dtype, std::move(shape));
  return outputs[i];
}

const ir::QuantParams& KernelContext::qin(size_t i) const {
  if (i >= in_quant.size() || !in_quant[i]) fail("input {} has no quantisation parameters", i);
  return *in_quant[i];
}

const ir::QuantParams& KernelContext::qout(size_t i) const {
  if (i >= out_quant.size() || !out_quant[i]) fail("output {} has no quantisation parameters", i);
  return *out_quant[i];
}

KernelRegistry& KernelRegistry::instance() {
  static KernelRegistry registry;
  return registry;
}

void KernelRegistry::add(KernelEntry entry) { kernels_.push_back(std::move(entry)); }

const KernelEntry* KernelRegistry::lookup(const std::string& op, ir::DataType dtype, bool quantized) const {
  const KernelEntry* any = nullptr;
  for (const auto& k : kernels_) {
    if (k.op != op || k.quantized != quantized) continue;
    if (k.dtype == dtype) return &k;
    if (k.dtype == kAnyType) any = &k;
  }
  return any;
}

KernelFn KernelRegistry::find(const std::string& op, ir::DataType dtype, bool quantized) const {
  const KernelEntry* k = lookup(op, dtype, quantized);
  return k ? k->fn : nullptr;
}

bool KernelRegistry::has_op(const std::string& op) const {
  return std::any_of(kernels_.begin(), kernels_.end(), [&](const KernelEntry& k) { return k.op == op; });
}

std::vector<std::string> KernelRegistry::ops() const {
  std::set<std::string> names;
  for (const auto& k : kernels_)
    if (!internal(k.op)) names.insert(k.op);
  return {names.begin(), names.end()};
}

std::vector<std::string> KernelRegistry::quantized_ops() const {
  std::set<std::string> names;
  for (const auto& k : kernels_)
    if (k.quantized) names.insert(k.op);
  return {names.begin(), names.end()};
}

ir::DataType dispatch_type(const KernelContext& ctx) {
  for (const ir::Tensor* t : ctx.inputs)
    if (t) return t->dtype();
  return ir::DataType::Float32;
}

}  // namespace rknnc::runtime
