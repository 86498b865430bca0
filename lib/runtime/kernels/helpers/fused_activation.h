#pragma once
// Fused activations (made by passes/fuse_activation.cpp): a Conv,
// ConvTranspose, Gemm or Add may carry
//   activation        "Relu" | "Clip" | "LeakyRelu" | "Sigmoid" | "HardSwish" | "SiLU"
//   activation_min    Clip lower bound (absent: no lower bound)
//   activation_max    Clip upper bound (absent: no upper bound)
//   activation_alpha  LeakyRelu slope (default 0.01)
// and its kernel applies the activation to its output in place, as the last
// step. Documented in docs/passes.md.
#include <cstdint>
#include <limits>

#include "ir/attribute.h"
#include "runtime/kernel.h"

namespace rknnc::runtime {

// A node's fused activation, read once from its attributes.
struct FusedActivation {
  enum class Kind { None, Relu, Clip, LeakyRelu, Sigmoid, HardSwish, SiLU };
  Kind kind = Kind::None;
  float lo = -std::numeric_limits<float>::infinity(), hi = std::numeric_limits<float>::infinity();  // Clip
  float alpha = 0.01f;                                                                                // LeakyRelu
  // Then each result rounded to the nearest float16 (kept as a float): a
  // float16 simulation's Conv rounding its own outputs (KernelContext::round_to_half).
  bool to_half = false;

  explicit operator bool() const { return kind != Kind::None || to_half; }
  // data[0..n) in place, on the calling thread.
  void apply(float* data, int64_t n) const;
  // Relative cost of one element (the pool's grain).
  int64_t cost() const;

 private:
  void activate(float* data, int64_t n) const;
};

// Throws rknnc::Error for an unknown activation name.
FusedActivation fused_activation_of(const ir::Attributes& attrs);

// Applies the node's fused activation to data[0..n) in place, on the pool
// when one is given; no-op when the node has none. Throws rknnc::Error for an
// unknown activation name.
void apply_fused_activation(const ir::Attributes& attrs, float* data, int64_t n, ThreadPool* pool = nullptr);
void apply_fused_activation(const FusedActivation& act, float* data, int64_t n, ThreadPool* pool);
// Applies the node's fused activation to ctx.outputs[0] (float32 only; a
// fused activation on another dtype is an error naming the node).
void apply_fused_activation(KernelContext& ctx);
// A kernel followed by its node's fused activation, for registration:
//   RKNNC_KERNEL("Gemm", ir::DataType::Float32, with_fused_activation<gemm_f32>);
template <KernelFn Kernel>
void with_fused_activation(KernelContext& ctx) {
  Kernel(ctx);
  apply_fused_activation(ctx);
}

}  // namespace rknnc::runtime
