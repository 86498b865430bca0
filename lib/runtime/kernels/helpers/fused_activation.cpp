#include "runtime/kernels/helpers/fused_activation.h"

#include <algorithm>
#include <cmath>

#include "ir/convert_float.h"
#include "util/error.h"

namespace rknnc::runtime {
namespace {

template <typename F>
void each(float* data, int64_t n, F f) {
  for (int64_t i = 0; i < n; ++i) data[i] = f(data[i]);
}

float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

}  // namespace

FusedActivation fused_activation_of(const ir::Attributes& attrs) {
  FusedActivation act;
  using Kind = FusedActivation::Kind;
  if (!attrs.has("activation")) return act;
  const std::string name = attrs.get_string("activation", "");
  if (name == "Relu") {
    act.kind = Kind::Relu;
  } else if (name == "Clip") {
    act.kind = Kind::Clip;
    act.lo = attrs.get_float("activation_min", act.lo);
    act.hi = attrs.get_float("activation_max", act.hi);
  } else if (name == "LeakyRelu") {
    act.kind = Kind::LeakyRelu;
    act.alpha = attrs.get_float("activation_alpha", act.alpha);
  } else if (name == "Sigmoid") {
    act.kind = Kind::Sigmoid;
  } else if (name == "HardSwish") {
    act.kind = Kind::HardSwish;
  } else if (name == "SiLU") {
    act.kind = Kind::SiLU;
  } else {
    fail("node '{}': unknown fused activation '{}' (expected Relu, Clip, LeakyRelu, Sigmoid, HardSwish or SiLU)",
         attrs.owner, name);
  }
  return act;
}

void FusedActivation::apply(float* data, int64_t n) const {
  activate(data, n);
  if (to_half) ir::round_to_halves(data, n);
}

void FusedActivation::activate(float* data, int64_t n) const {
  switch (kind) {
    case Kind::None: return;
    case Kind::Relu: return each(data, n, [](float x) { return x > 0.0f ? x : 0.0f; });
    case Kind::Clip: return each(data, n, [lo = lo, hi = hi](float x) { return std::min(std::max(x, lo), hi); });
    case Kind::LeakyRelu: return each(data, n, [a = alpha](float x) { return x >= 0.0f ? x : x * a; });
    case Kind::Sigmoid: return each(data, n, sigmoid);
    case Kind::HardSwish:
      return each(data, n, [](float x) { return x * std::min(std::max(x / 6.0f + 0.5f, 0.0f), 1.0f); });
    case Kind::SiLU: return each(data, n, [](float x) { return x * sigmoid(x); });
  }
}

int64_t FusedActivation::cost() const {
  switch (kind) {
    case Kind::Sigmoid:
    case Kind::SiLU: return 16;
    case Kind::HardSwish: return 2;
    default: return 1;
  }
}

// In place over the pool: a pass over a whole activation, memory bound, that
// one thread alone would leave the other core idle for.
void apply_fused_activation(const FusedActivation& act, float* data, int64_t n, ThreadPool* pool) {
  if (!act) return;
  if (!pool) return act.apply(data, n);
  pool->parallel_for(n, act.cost(), [&](int64_t b, int64_t e) { act.apply(data + b, e - b); });
}

void apply_fused_activation(const ir::Attributes& attrs, float* data, int64_t n, ThreadPool* pool) {
  apply_fused_activation(fused_activation_of(attrs), data, n, pool);
}

void apply_fused_activation(KernelContext& ctx) {
  if (!ctx.attrs().has("activation") || ctx.outputs.empty()) return;
  ir::Tensor& y = ctx.outputs[0];
  if (y.dtype() != ir::DataType::Float32)
    ctx.fail("fused activation on a {} output; only float32 is supported", ir::dtype_name(y.dtype()));
  apply_fused_activation(ctx.attrs(), y.data<float>(), y.numel(), &ctx.pool);
}

}  // namespace rknnc::runtime
