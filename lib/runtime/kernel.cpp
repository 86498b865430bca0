#include "runtime/kernel.h"

#include <algorithm>
#include <set>

namespace rknnc::runtime {

const ir::Tensor& KernelContext::in(size_t i) const {
  if (!has(i)) fail("input {} is required but absent", i);
  return *inputs[i];
}

ir::Tensor& KernelContext::set_output(size_t i, ir::DataType dtype, ir::Shape shape) {
  if (i >= outputs.size()) fail("kernel wrote output {} but the node has {}", i, outputs.size());
  for (int64_t d : shape)
    if (d < 0) fail("computed a negative output dimension {}", ir::shape_str(shape));
  outputs[i] = ir::Tensor(dtype, std::move(shape));
  return outputs[i];
}

KernelRegistry& KernelRegistry::instance() {
  static KernelRegistry registry;
  return registry;
}

void KernelRegistry::add(const std::string& op, ir::DataType dtype, KernelFn fn) {
  kernels_.emplace_back(op, dtype, fn);
}

KernelFn KernelRegistry::find(const std::string& op, ir::DataType dtype) const {
  KernelFn any = nullptr;
  for (const auto& [o, t, fn] : kernels_) {
    if (o != op) continue;
    if (t == dtype) return fn;
    if (t == kAnyType) any = fn;
  }
  return any;
}

bool KernelRegistry::has_op(const std::string& op) const {
  return std::any_of(kernels_.begin(), kernels_.end(), [&](const auto& k) { return std::get<0>(k) == op; });
}

std::vector<std::string> KernelRegistry::ops() const {
  std::set<std::string> names;
  for (const auto& k : kernels_) names.insert(std::get<0>(k));
  return {names.begin(), names.end()};
}

ir::DataType dispatch_type(const KernelContext& ctx) {
  for (const ir::Tensor* t : ctx.inputs)
    if (t) return t->dtype();
  return ir::DataType::Float32;
}

}  // namespace rknnc::runtime
