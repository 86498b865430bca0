#include <algorithm>
#include <optional>
#include <vector>

#include "runtime/kernels/helpers/conv_shape.h"
#include "runtime/kernels/helpers/depthwise_f32.h"
#include "runtime/kernels/helpers/fused_activation.h"
#include "runtime/kernels/helpers/im2col_panels.h"
#include "runtime/kernels/helpers/packed_gemm.h"
#include "runtime/kernels/helpers/padded_image.h"
#include "runtime/kernels/helpers/pixel_rows_conv.h"

namespace rknnc::runtime::kernels {
namespace {

// The weights of each group as the gemm's A operand and the fused
// activation, set up once per node; `w` keeps the bytes they read alive.
// A layer whose output plane is small also keeps each group's weights
// transposed for the pixel-rows gemm (pixel_rows_conv.h).
struct ConvWeights final : PreparedState {
  ir::Tensor w;
  std::vector<AMatrix> groups;
  std::vector<std::vector<float>> pixel_rows;
  int64_t pixel_rows_plane = 0;  // the output plane size they were chosen for
  FusedActivation act;
};

// The window of the node's first run (its input's shape then); none when
// the shapes are not a valid Conv (conv_shape names what is wrong).
std::optional<Window> first_window(const KernelContext& ctx) {
  const ir::Shape& x = ctx.in(0).shape();
  const ir::Shape& w = ctx.in(1).shape();
  if (x.size() < 3 || x.size() > 5 || w.size() != x.size()) return std::nullopt;
  const std::vector<int64_t> kernel(w.begin() + 2, w.end());
  return sliding_window(ctx, spatial_dims(ctx, x), kernel, false);
}

std::unique_ptr<PreparedState> conv_weight_panels(const KernelContext& ctx) {
  auto state = std::make_unique<ConvWeights>();
  state->act = fused_activation_of(ctx.attrs());
  const ir::Tensor& w = ctx.in(1);
  const int64_t group = ctx.attrs().get_int("group", 1);
  if (w.dtype() != ir::DataType::Float32 || w.shape().empty() || group <= 0 || w.shape()[0] % group != 0 ||
      w.shape()[0] == 0)
    return state;  // conv_shape names what is wrong
  const int64_t m = w.shape()[0], mg = m / group, per = ir::shape_numel(w.shape()) / m;
  if (mg == 1 && w.shape().size() > 1 && w.shape()[1] == 1) return state;  // depthwise reads them as they are
  state->w = w;
  for (int64_t g = 0; g < group; ++g)
    state->groups.push_back(a_matrix(w.data<float>() + g * mg * per, mg, per, per, false, gemm_isa()));
  const std::optional<Window> window = first_window(ctx);
  if (window && pixel_rows_suit(*window, mg, tile_kernel(gemm_isa()))) {
    state->pixel_rows_plane = window->out_size();
    for (int64_t g = 0; g < group; ++g)
      state->pixel_rows.push_back(pixel_rows_weights(w.data<float>() + g * mg * per, mg, per));
  }
  return state;
}

// Conv(X[N,C,spatial], W[M,C/group,k...], B[M]?): depthwise runs a direct
// loop, everything else a gemm of the weights with the image's im2col
// matrix, starting from the bias: the image itself for 1x1 stride 1, its
// padded copy read in place for other stride-1 windows, packed im2col
// panels otherwise; small output planes the transposed gemm (pixel rows).
// The fused activation (and a float16 simulation's rounding) follows each
// channel block / gemm tile while it is still in cache.
void conv_f32(KernelContext& ctx) {
  const ConvShape s = conv_shape(ctx, ir::DataType::Float32, false);  // every output starts from the bias or 0
  const ir::Tensor* bias = ctx.opt(2);
  const Window& w = s.w;
  const int64_t in = w.in_size(), out = w.out_size();
  const float* px = ctx.in(0).data<float>();
  const float* pb = bias ? bias->data<float>() : nullptr;
  float* py = ctx.outputs[0].data<float>();
  std::unique_ptr<PreparedState> local;
  const auto& prepared = ctx.prepared<ConvWeights>(conv_weight_panels, local);
  FusedActivation act = prepared.act;
  act.to_half = ctx.rounded_to_half = ctx.round_to_half;
  if (s.depthwise()) {
    const float* pw = ctx.in(1).data<float>();
    const DepthwisePlan plan(w, gemm_isa());
    const int64_t block = plan.channel_block(), blocks = (s.m + block - 1) / block;
    ctx.pool.parallel_for(s.n * blocks, block * out * w.kernel_size(), [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) {  // channel block i % blocks of image i / blocks
        const int64_t img = i / blocks, c0 = i % blocks * block, c1 = std::min(s.m, c0 + block);
        float* y = py + img * s.m * out;
        depthwise_conv_f32(px + img * s.c * in, pw, pb, plan, y, c0, c1, &act);
      }
    });
    return;
  }
  if (s.mg == 0 || out == 0) return;
  for (int64_t img = 0; img < s.n; ++img)
    for (int64_t g = 0; g < s.group; ++g) {
      const float* xg = px + (img * s.c + g * s.cg) * in;
      float* yg = py + (img * s.m + g * s.mg) * out;
      const GemmEpilogue epilogue{true, pb ? pb + g * s.mg : nullptr, act ? &act : nullptr};
      const AMatrix& a = prepared.groups[static_cast<size_t>(g)];
      if (!prepared.pixel_rows.empty() && prepared.pixel_rows_plane == out)
        conv_pixel_rows(xg, s.cg, w, s.pointwise(), prepared.pixel_rows[static_cast<size_t>(g)], s.mg,
                        epilogue.bias, epilogue.act, yg, ctx.pool, gemm_isa());
      else if (s.pointwise()) gemm_packed(a, BMatrix(xg, out, false), out, yg, out, &ctx.pool, epilogue);
      else if (PaddedImage::suits(w)) convolve_padded(xg, s.cg, w, a, yg, epilogue, ctx.pool);
      else gemm_packed(a, Im2colPanels(xg, w), out, yg, out, &ctx.pool, epilogue);
    }
}

RKNNC_PREPARED_KERNEL("Conv", ir::DataType::Float32, conv_f32, conv_weight_panels, 0b10);

}  // namespace
}  // namespace rknnc::runtime::kernels
