#include "runtime/kernels/helpers/resize_plan.h"

#include <cmath>

#include "runtime/kernels/helpers/cubic.h"

namespace rknnc::runtime::kernels {

void Taps::add(int64_t index, float weight) {
  if (weight == 0) return;
  i[static_cast<size_t>(n)] = index;
  w[static_cast<size_t>(n)] = weight;
  q[static_cast<size_t>(n++)] = std::llround(std::ldexp(static_cast<double>(weight), kResizeWeightBits));
}

namespace {

float source_coord(const std::string& mode, int64_t x, float scale, int64_t in, int64_t out, float roi_start,
                   float roi_end) {
  const auto xf = static_cast<float>(x);
  if (mode == "half_pixel") return (xf + 0.5f) / scale - 0.5f;
  if (mode == "asymmetric") return xf / scale;
  // The reference uses the unrounded resized length in * scale here.
  const float resized = static_cast<float>(in) * scale;
  if (mode == "align_corners") return out == 1 ? 0.0f : xf * static_cast<float>(in - 1) / (resized - 1);
  if (mode == "pytorch_half_pixel") return out > 1 ? (xf + 0.5f) / scale - 0.5f : 0.0f;
  if (mode == "tf_half_pixel_for_nearest" || mode == "tf_half_pixel_for_nn") return (xf + 0.5f) / scale;
  // tf_crop_and_resize
  const auto span = static_cast<float>(in - 1);
  return out > 1 ? roi_start * span + xf * (roi_end - roi_start) * span / static_cast<float>(out - 1)
                 : 0.5f * (roi_start + roi_end) * span;
}

int64_t nearest_index(const std::string& mode, float x) {
  if (mode == "floor") return static_cast<int64_t>(std::floor(x));
  if (mode == "ceil") return static_cast<int64_t>(std::ceil(x));
  const float f = std::floor(x);
  if (x - f == 0.5f) return static_cast<int64_t>(mode == "round_prefer_ceil" ? f + 1 : f);
  return static_cast<int64_t>(std::round(x));
}

struct Interpolation {
  std::string mode, nearest_mode;
  float cubic_a = -0.75f;
  bool exclude_outside = false;
};

Taps make_taps(const Interpolation& ip, float c, int64_t in) {
  Taps t;
  if (ip.mode == "nearest") {
    t.add(std::clamp<int64_t>(nearest_index(ip.nearest_mode, c), 0, in - 1), 1.f);
  } else if (ip.mode == "linear") {
    c = std::clamp(c, 0.0f, static_cast<float>(in - 1));
    const auto i0 = static_cast<int64_t>(std::floor(c));
    const float w1 = c - static_cast<float>(i0);
    t.add(i0, 1 - w1);
    t.add(std::min(i0 + 1, in - 1), w1);
  } else {  // cubic: edge taps repeat the border, or are dropped and the rest renormalised
    const auto i0 = static_cast<int64_t>(std::floor(c));
    std::array<float, 4> w = cubic_weights(c - static_cast<float>(i0), ip.cubic_a);
    float sum = 0;
    for (int k = 0; k < 4; ++k) {
      const int64_t i = i0 - 1 + k;
      if (ip.exclude_outside && (i < 0 || i >= in)) w[static_cast<size_t>(k)] = 0;
      sum += w[static_cast<size_t>(k)];
    }
    for (int k = 0; k < 4; ++k)
      t.add(std::clamp<int64_t>(i0 - 1 + k, 0, in - 1),
            ip.exclude_outside && sum != 0 ? w[static_cast<size_t>(k)] / sum : w[static_cast<size_t>(k)]);
  }
  return t;
}

}  // namespace

ResizePlan resize_plan(const KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  const size_t rank = x.shape().size();
  const auto& a = ctx.attrs();
  Interpolation ip{a.get_string("mode", "nearest"), a.get_string("nearest_mode", "round_prefer_floor"),
                   a.get_float("cubic_coeff_a", -0.75f), a.get_int("exclude_outside", 0) != 0};
  const std::string ctm = a.get_string("coordinate_transformation_mode", "half_pixel");
  const float extrapolation = a.get_float("extrapolation_value", 0.0f);
  if (ip.mode != "nearest" && ip.mode != "linear" && ip.mode != "cubic")
    ctx.fail("mode '{}' is not supported (nearest, linear, cubic)", ip.mode);
  static const char* kModes[] = {"half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel",
                                 "tf_half_pixel_for_nearest", "tf_half_pixel_for_nn", "tf_crop_and_resize"};
  bool known = false;
  for (const char* m : kModes) known = known || ctm == m;
  if (!known) ctx.fail("coordinate_transformation_mode '{}' is not supported", ctm);
  std::vector<float> scales(rank, 1.0f), roi;
  ir::Shape out = x.shape();
  if (const ir::Tensor* s = ctx.opt(3); s && s->numel() > 0) {
    if (static_cast<size_t>(s->numel()) != rank) ctx.fail("sizes has {} values for rank {}", s->numel(), rank);
    for (size_t d = 0; d < rank; ++d) {
      out[d] = s->get_as_int(static_cast<int64_t>(d));
      scales[d] = static_cast<float>(out[d]) / static_cast<float>(x.shape()[d]);
    }
  } else if (const ir::Tensor* s = ctx.opt(2); s && s->numel() > 0) {
    if (static_cast<size_t>(s->numel()) != rank) ctx.fail("scales has {} values for rank {}", s->numel(), rank);
    for (size_t d = 0; d < rank; ++d) {
      scales[d] = static_cast<float>(s->get_as_double(static_cast<int64_t>(d)));
      if (scales[d] <= 0) ctx.fail("scales must be positive");
      out[d] = static_cast<int64_t>(std::floor(static_cast<float>(x.shape()[d]) * scales[d]));
    }
  } else {
    ctx.fail("needs scales or sizes");
  }
  if (ctm == "tf_crop_and_resize") {
    if (!ctx.opt(1) || static_cast<size_t>(ctx.in(1).numel()) != 2 * rank) ctx.fail("tf_crop_and_resize needs roi of 2*rank values");
    roi = ctx.in(1).to_float_vector();
  }
  std::vector<DimMap> maps(rank);
  for (size_t d = 0; d < rank; ++d) {
    const int64_t in = x.shape()[d];
    DimMap& m = maps[d];
    for (int64_t o = 0; o < out[d]; ++o) {
      float c = source_coord(ctm, o, scales[d], in, out[d], roi.empty() ? 0 : roi[d], roi.empty() ? 1 : roi[d + rank]);
      Taps t;
      if (!roi.empty() && (c < 0 || c > static_cast<float>(in - 1))) t.outside = true;
      else t = make_taps(ip, c, in);
      if (t.outside || t.n != 1 || t.i[0] != o || t.w[0] != 1.f) m.identity = false;
      m.taps.push_back(t);
    }
    if (out[d] != in) m.identity = false;
  }
  ResizePlan p;
  p.out = out;
  p.maps = std::move(maps);
  for (size_t d = 0; d < rank; ++d)
    if (!p.maps[d].identity) p.interp.push_back(d);
  p.extrapolation = extrapolation;
  const int64_t taps_per_dim = ip.mode == "cubic" ? 4 : ip.mode == "linear" ? 2 : 1;
  p.taps_per_output = static_cast<int64_t>(std::pow(taps_per_dim, p.interp.size()));
  return p;
}

}  // namespace rknnc::runtime::kernels
