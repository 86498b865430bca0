#include <vector>

#include "runtime/kernels/helpers/attrs.h"
#include "runtime/kernels/helpers/normalize.h"

namespace rknnc::runtime::kernels {
namespace {

// `t` broadcast (numpy, right-aligned) to `shape`, flattened; 1 when absent.
std::vector<float> expand_to(const KernelContext& ctx, const ir::Tensor* t, const ir::Shape& shape, float fill) {
  const int64_t n = ir::shape_numel(shape);
  if (!t) return std::vector<float>(static_cast<size_t>(n), fill);
  const ir::Shape& ts = t->shape();
  if (ts.size() > shape.size()) ctx.fail("Scale/B shape {} has more dims than the normalised shape {}", ir::shape_str(ts), ir::shape_str(shape));
  const size_t lead = shape.size() - ts.size();
  for (size_t d = 0; d < ts.size(); ++d)
    if (ts[d] != 1 && ts[d] != shape[lead + d])
      ctx.fail("Scale/B shape {} does not broadcast to the normalised shape {}", ir::shape_str(ts), ir::shape_str(shape));
  const auto strides = ir::shape_strides(ts);
  const float* src = t->data<float>();
  std::vector<float> out(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    int64_t rest = i, off = 0;
    for (size_t d = shape.size(); d-- > lead;) {
      const int64_t idx = rest % shape[d];
      rest /= shape[d];
      if (ts[d - lead] != 1) off += idx * strides[d - lead];
    }
    out[static_cast<size_t>(i)] = src[off];
  }
  return out;
}

// Y = (X - mean) / sqrt(var + eps) · Scale + B over the dims from `axis` on;
// optional outputs Mean and InvStdDev have X's leading dims and 1s after.
void layer_normalization_f32(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  const ir::Shape& shape = x.shape();
  const int64_t axis = normalize_axis(ctx, ctx.attrs().get_int("axis", -1), shape.size());
  const ir::Shape norm_shape(shape.begin() + axis, shape.end());
  const int64_t len = ir::shape_numel(norm_shape), rows = len > 0 ? x.numel() / len : 0;
  const std::vector<float> scale = expand_to(ctx, &ctx.in(1), norm_shape, 1.f);
  const std::vector<float> bias = expand_to(ctx, ctx.opt(2), norm_shape, 0.f);
  std::vector<Moments> moments(static_cast<size_t>(rows));
  ir::Tensor& y = ctx.set_output(0, x.dtype(), shape);
  normalize_rows(ctx, x.data<float>(), y.data<float>(), rows, len, ctx.attrs().get_float("epsilon", 1e-5f),
                 [&](int64_t, int64_t i) { return std::pair{scale[static_cast<size_t>(i)], bias[static_cast<size_t>(i)]}; },
                 moments.data());
  ir::Shape stat_shape(shape.begin(), shape.begin() + axis);
  stat_shape.resize(shape.size(), 1);
  for (size_t k = 1; k < 3 && k < ctx.outputs.size(); ++k) {
    if (ctx.node.outputs[k].empty()) continue;
    float* out = ctx.set_output(k, x.dtype(), stat_shape).data<float>();
    for (int64_t r = 0; r < rows; ++r) out[r] = k == 1 ? moments[static_cast<size_t>(r)].mean : moments[static_cast<size_t>(r)].inv_std;
  }
}

RKNNC_KERNEL("LayerNormalization", ir::DataType::Float32, layer_normalization_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
