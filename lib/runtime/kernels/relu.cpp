#include "runtime/kernel.h"

namespace rknnc::runtime {
namespace {

void relu_f32(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  ir::Tensor& y = ctx.set_output_in_place(0, x.dtype(), x.shape(), 0);
  const float* src = x.data<float>();
  float* dst = y.data<float>();
  ctx.pool.parallel_for(x.numel(), 1, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) dst[i] = src[i] > 0.0f ? src[i] : 0.0f;
  });
}

RKNNC_KERNEL("Relu", ir::DataType::Float32, relu_f32);

}  // namespace
}  // namespace rknnc::runtime
