#include "runtime/kernels/helpers/fused_activation.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "util/error.h"

namespace rknnc::runtime {
namespace {

// In place over the pool: a pass over a whole activation, memory bound, that
// one thread alone would leave the other core idle for.
template <typename F>
void apply(float* data, int64_t n, ThreadPool* pool, int64_t cost, F f) {
  auto part = [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) data[i] = f(data[i]);
  };
  if (pool) pool->parallel_for(n, cost, part);
  else part(0, n);
}

float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

}  // namespace

void apply_fused_activation(const ir::Attributes& attrs, float* data, int64_t n, ThreadPool* pool) {
  if (!attrs.has("activation")) return;
  const std::string act = attrs.get_string("activation", "");
  if (act == "Relu") {
    apply(data, n, pool, 1, [](float x) { return x > 0.0f ? x : 0.0f; });
  } else if (act == "Clip") {
    const float lo = attrs.get_float("activation_min", -std::numeric_limits<float>::infinity());
    const float hi = attrs.get_float("activation_max", std::numeric_limits<float>::infinity());
    apply(data, n, pool, 1, [=](float x) { return std::min(std::max(x, lo), hi); });
  } else if (act == "LeakyRelu") {
    const float alpha = attrs.get_float("activation_alpha", 0.01f);
    apply(data, n, pool, 1, [=](float x) { return x >= 0.0f ? x : x * alpha; });
  } else if (act == "Sigmoid") {
    apply(data, n, pool, 16, sigmoid);
  } else if (act == "HardSwish") {
    apply(data, n, pool, 2, [](float x) { return x * std::min(std::max(x / 6.0f + 0.5f, 0.0f), 1.0f); });
  } else if (act == "SiLU") {
    apply(data, n, pool, 16, [](float x) { return x * sigmoid(x); });
  } else {
    fail("node '{}': unknown fused activation '{}' (expected Relu, Clip, LeakyRelu, Sigmoid, HardSwish or SiLU)",
         attrs.owner, act);
  }
}

void apply_fused_activation(KernelContext& ctx) {
  if (!ctx.attrs().has("activation") || ctx.outputs.empty()) return;
  ir::Tensor& y = ctx.outputs[0];
  if (y.dtype() != ir::DataType::Float32)
    ctx.fail("fused activation on a {} output; only float32 is supported", ir::dtype_name(y.dtype()));
  apply_fused_activation(ctx.attrs(), y.data<float>(), y.numel(), &ctx.pool);
}

}  // namespace rknnc::runtime
