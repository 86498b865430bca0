#include "runtime/kernels/helpers/resize_plan.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "runtime/kernels/helpers/attrs.h"
#include "runtime/kernels/helpers/cubic.h"

namespace rknnc::runtime::kernels {

void Taps::add(int64_t index, float weight) {
  if (weight == 0) return;
  i.push_back(index);
  w.push_back(weight);
  q.push_back(std::llround(std::ldexp(static_cast<double>(weight), kResizeWeightBits)));
  ++n;
}

namespace {

float source_coord(const std::string& mode, int64_t x, float scale, int64_t in, int64_t out, float roi_start,
                   float roi_end) {
  const auto xf = static_cast<float>(x);
  if (mode == "half_pixel") return (xf + 0.5f) / scale - 0.5f;
  if (mode == "asymmetric") return xf / scale;
  // The reference uses the unrounded resized length in * scale here.
  const float resized = static_cast<float>(in) * scale;
  if (mode == "half_pixel_symmetric") {  // opset 19: the resized image stays centred on the input
    const float offset = static_cast<float>(in) / 2 * (1 - static_cast<float>(out) / resized);
    return offset + (xf + 0.5f) / scale - 0.5f;
  }
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

// antialias (opset 18) on a dim that shrinks by s < 1: the linear (support 1)
// or cubic (support 2) filter is stretched by 1/s and normalised; taps past
// the edge read the edge pixel, or are dropped with exclude_outside. As the
// ONNX reference (op_resize.py): taps at floor'(c) + k for k in [start, 2 - start),
// floor' taking the pixel left of an integer c.
Taps antialias_taps(const Interpolation& ip, float c, int64_t in, float s) {
  const bool cubic = ip.mode == "cubic";
  const float a = ip.cubic_a;
  auto filter = [cubic, a](float d) {
    d = std::abs(d);
    if (!cubic) return std::max(0.0f, 1 - d);
    if (d <= 1) return ((a + 2) * d - (a + 3)) * d * d + 1;
    return d < 2 ? ((a * d - 5 * a) * d + 8 * a) * d - 4 * a : 0.0f;
  };
  const float fl = std::floor(c);
  const float ratio = c == fl ? 1.0f : c - fl;
  const auto base = static_cast<int64_t>(fl) - (c == fl ? 1 : 0);
  const auto start = static_cast<int64_t>(std::floor(-(cubic ? 2.0f : 1.0f) / s)) + 1;
  std::vector<float> w;
  float sum = 0;
  for (int64_t k = start; k < 2 - start; ++k) sum += w.emplace_back(filter(s * (static_cast<float>(k) - ratio)));
  float kept = 0;
  for (size_t k = 0; k < w.size(); ++k) {
    const int64_t i = base + start + static_cast<int64_t>(k);
    w[k] = ip.exclude_outside && (i < 0 || i >= in) ? 0.0f : w[k] / sum;
    kept += w[k];
  }
  Taps t;
  for (size_t k = 0; k < w.size(); ++k)
    t.add(std::clamp<int64_t>(base + start + static_cast<int64_t>(k), 0, in - 1), ip.exclude_outside ? w[k] / kept : w[k]);
  return t;
}

// The `axes` attribute (opset 18), normalised; every dim when absent.
std::vector<int64_t> resize_axes(const KernelContext& ctx, size_t rank) {
  std::vector<int64_t> axes = ctx.attrs().get_ints("axes");
  if (axes.empty())
    for (size_t d = 0; d < rank; ++d) axes.push_back(static_cast<int64_t>(d));
  return normalize_axes(ctx, axes, rank);
}

// Output shape and per-dim scales from `sizes` (input 3) or `scales` (input 2),
// which give one value per entry of `axes`. keep_aspect_ratio_policy
// not_larger / not_smaller (opset 18) scales the listed axes by one factor:
// the smallest / largest sizes ratio.
ir::Shape output_geometry(const KernelContext& ctx, const ir::Shape& in, std::vector<float>& scales) {
  const std::vector<int64_t> axes = resize_axes(ctx, in.size());
  ir::Shape out = in;
  if (const ir::Tensor* s = ctx.opt(3); s && s->numel() > 0) {
    if (static_cast<size_t>(s->numel()) != axes.size()) ctx.fail("sizes has {} values for {} axes", s->numel(), axes.size());
    const std::string policy = ctx.attrs().get_string("keep_aspect_ratio_policy", "stretch");
    if (policy != "stretch" && policy != "not_larger" && policy != "not_smaller")
      ctx.fail("keep_aspect_ratio_policy '{}' is not stretch, not_larger or not_smaller", policy);
    float common = policy == "not_larger" ? std::numeric_limits<float>::max() : 0.0f;
    for (size_t i = 0; i < axes.size(); ++i) {
      const auto d = static_cast<size_t>(axes[i]);
      out[d] = s->get_as_int(static_cast<int64_t>(i));
      scales[d] = static_cast<float>(out[d]) / static_cast<float>(in[d]);
      common = policy == "not_larger" ? std::min(common, scales[d]) : std::max(common, scales[d]);
    }
    if (policy != "stretch")
      for (int64_t a : axes) {
        const auto d = static_cast<size_t>(a);
        scales[d] = common;
        out[d] = static_cast<int64_t>(std::round(common * static_cast<float>(in[d])));
      }
  } else if (const ir::Tensor* s = ctx.opt(2); s && s->numel() > 0) {
    if (static_cast<size_t>(s->numel()) != axes.size()) ctx.fail("scales has {} values for {} axes", s->numel(), axes.size());
    for (size_t i = 0; i < axes.size(); ++i) {
      const auto d = static_cast<size_t>(axes[i]);
      scales[d] = static_cast<float>(s->get_as_double(static_cast<int64_t>(i)));
      if (scales[d] <= 0) ctx.fail("scales must be positive");
      out[d] = static_cast<int64_t>(std::floor(static_cast<float>(in[d]) * scales[d]));
    }
  } else {
    ctx.fail("needs scales or sizes");
  }
  return out;
}

// tf_crop_and_resize's roi: starts then ends, for every dim or for the dims
// of `axes` (the others keep 0 … 1).
std::vector<float> full_roi(const KernelContext& ctx, size_t rank) {
  const std::vector<int64_t> axes = resize_axes(ctx, rank);
  if (!ctx.opt(1) || static_cast<size_t>(ctx.in(1).numel()) != 2 * axes.size())
    ctx.fail("tf_crop_and_resize needs a roi of {} values (starts and ends of {} axes)", 2 * axes.size(), axes.size());
  const std::vector<float> given = ctx.in(1).to_float_vector();
  std::vector<float> roi(2 * rank, 0.0f);
  std::fill(roi.begin() + static_cast<std::ptrdiff_t>(rank), roi.end(), 1.0f);
  for (size_t i = 0; i < axes.size(); ++i) {
    roi[static_cast<size_t>(axes[i])] = given[i];
    roi[static_cast<size_t>(axes[i]) + rank] = given[i + axes.size()];
  }
  return roi;
}

}  // namespace

bool resize_is_nearest(const ResizePlan& p) {
  for (size_t d : p.interp) {
    const auto& taps = p.maps[d].taps;
    if (taps.empty()) return false;
    for (const Taps& t : taps)
      if (t.n != 1 || t.outside || t.w[0] != taps[0].w[0] || t.q[0] != taps[0].q[0]) return false;
  }
  return true;
}

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
  static const char* kModes[] = {"half_pixel", "half_pixel_symmetric", "asymmetric", "align_corners", "pytorch_half_pixel",
                                 "tf_half_pixel_for_nearest", "tf_half_pixel_for_nn", "tf_crop_and_resize"};
  bool known = false;
  for (const char* m : kModes) known = known || ctm == m;
  if (!known) ctx.fail("coordinate_transformation_mode '{}' is not supported", ctm);
  std::vector<float> scales(rank, 1.0f), roi;
  const ir::Shape out = output_geometry(ctx, x.shape(), scales);
  const bool antialias = a.get_int("antialias", 0) != 0 && ip.mode != "nearest";
  if (ctm == "tf_crop_and_resize") roi = full_roi(ctx, rank);
  std::vector<DimMap> maps(rank);
  for (size_t d = 0; d < rank; ++d) {
    const int64_t in = x.shape()[d];
    DimMap& m = maps[d];
    for (int64_t o = 0; o < out[d]; ++o) {
      float c = source_coord(ctm, o, scales[d], in, out[d], roi.empty() ? 0 : roi[d], roi.empty() ? 1 : roi[d + rank]);
      Taps t;
      if (!roi.empty() && (c < 0 || c > static_cast<float>(in - 1))) t.outside = true;
      else if (antialias && scales[d] < 1.0f) t = antialias_taps(ip, c, in, scales[d]);
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
