#include "runtime/kernels/helpers/blocked_conv.h"
#include "runtime/kernels/helpers/conv_shape.h"
#include "runtime/kernels/helpers/depthwise_f32.h"
#include "runtime/kernels/helpers/fused_activation.h"
#include "runtime/kernels/helpers/packed_gemm.h"

namespace rknnc::runtime::kernels {
namespace {

// The weights packed in output channel blocks (a depthwise layer's as each
// block's taps x 16) and the fused activation, once per node.
struct BlockedConvState final : PreparedState {
  BlockedWeights wt;
  FusedActivation act;
};

bool depthwise(const KernelContext& ctx) {
  const ir::Shape& w = ctx.in(1).shape();
  return ctx.attrs().get_int("group", 1) != 1 && w.size() == 4 && w[1] == 1;
}

std::unique_ptr<PreparedState> pack(const KernelContext& ctx) {
  auto state = std::make_unique<BlockedConvState>();
  state->act = fused_activation_of(ctx.attrs());
  const ir::Tensor& w = ctx.in(1);
  if (w.dtype() != ir::DataType::Float32 || w.shape().size() != 4) ctx.fail("needs a 4-D float weight");
  const ir::Shape& s = w.shape();
  const ir::Tensor* bias = ctx.opt(2);
  if (bias && (bias->dtype() != ir::DataType::Float32 || bias->numel() != s[0]))
    ctx.fail("bias has {} values for {} output channels", bias->numel(), s[0]);
  const float* pb = bias ? bias->data<float>() : nullptr;
  state->wt = pack_blocked_weights(w.data<float>(), pb, s[0], s[1], s[2] * s[3]);
  return state;
}

// The input's N, C, H, W: a blocked 5-D image, or a plain NCHW one (read
// as it is by a regular convolution).
ir::Shape logical_input(const KernelContext& ctx, bool dw) {
  const ir::Shape& x = ctx.in(0).shape();
  const ir::Shape& w = ctx.in(1).shape();
  if (w.size() != 4) ctx.fail("needs a 4-D weight, got {}", ir::shape_str(w));
  const int64_t c = dw ? w[0] : w[1];
  const bool ok = x.size() == 5 ? x[4] == kChannelBlock && x[1] == channel_blocks(c) : x.size() == 4 && !dw;
  if (!ok) ctx.fail("input {} is not a channel-blocked image of {} channels", ir::shape_str(x), c);
  return {x[0], x.size() == 5 ? c : x[1], x[2], x[3]};
}

// The fused residual Add's other operand (input 3, runtime/layout_plan.h),
// laid out as the output, or null; with the attribute residual_first the
// fused activation (the Add's) runs on the sum.
const float* fused_residual(const KernelContext& ctx, const ir::Shape& out) {
  const ir::Tensor* r = ctx.opt(3);
  if (!r) return nullptr;
  if (r->dtype() != ir::DataType::Float32 || r->shape() != out)
    ctx.fail("fused residual {} does not match the output {}", ir::shape_str(r->shape()), ir::shape_str(out));
  if (ctx.round_to_half) ctx.fail("a fused residual Add in a float16 graph");
  return r->data<float>();
}

// rknnc.ConvBlocked: a Conv (group 1 or depthwise, 2-D) whose output is
// channel-blocked (runtime/layout_plan.h); the same values as conv.cpp,
// plus a fused residual (input 3) when the plan folded an Add into it.
void conv_blocked_f32(KernelContext& ctx) {
  const bool dw = depthwise(ctx);
  const ir::Shape x = logical_input(ctx, dw);
  const ConvShape s = conv_geometry(ctx, x);
  const Window& w = s.w;
  const int64_t mb = channel_blocks(s.m), in = w.in_size(), out = w.out_size();
  ir::Tensor& y = ctx.set_output_unfilled(0, ir::DataType::Float32, {s.n, mb, w.out[1], w.out[2], kChannelBlock});
  std::unique_ptr<PreparedState> local;
  const auto& prepared = ctx.prepared<BlockedConvState>(pack, local);
  FusedActivation act = prepared.act;
  act.to_half = ctx.rounded_to_half = ctx.round_to_half;
  const float* px = ctx.in(0).data<float>();
  float* py = y.data<float>();
  const int64_t in_image = ctx.in(0).numel() / std::max<int64_t>(1, s.n);
  const float* residual = fused_residual(ctx, y.shape());
  if (!dw) {
    const bool blocked = ctx.in(0).shape().size() == 5;  // else NCHW (logical_input)
    for (int64_t img = 0; img < s.n; ++img)
      conv_blocked_f32({px + img * in_image, blocked}, w, prepared.wt, py + img * mb * out * kChannelBlock,
                       act ? &act : nullptr, ctx.pool, residual ? residual + img * mb * out * kChannelBlock : nullptr,
                       ctx.attrs().get_int("residual_first", 0) != 0);
    return;
  }
  if (residual) ctx.fail("a depthwise convolution takes no fused residual");
  const DepthwisePlan plan(w, gemm_isa());
  if (!depthwise_blocked_supported(plan)) ctx.fail("has no channel-blocked depthwise kernel on this CPU");
  const int64_t taps = w.kernel_size();
  ctx.pool.parallel_for(s.n * mb, kChannelBlock * out * taps, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i)
      depthwise_blocked_f32(px + i * in * kChannelBlock, prepared.wt.w.data() + i % mb * taps * kChannelBlock,
                            prepared.wt.bias.data() + i % mb * kChannelBlock, plan, py + i * out * kChannelBlock,
                            act ? &act : nullptr);
  });
}

RKNNC_PREPARED_KERNEL("rknnc.ConvBlocked", ir::DataType::Float32, conv_blocked_f32, pack, 0b110);

}  // namespace
}  // namespace rknnc::runtime::kernels
