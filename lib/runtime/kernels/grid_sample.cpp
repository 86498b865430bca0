#include <algorithm>
#include <cmath>
#include <string>

#include "runtime/kernels/helpers/cubic.h"
#include "runtime/kernel.h"

namespace rknnc::runtime::kernels {
namespace {

enum class Padding { Zeros, Border, Reflection };

struct Sampler {
  Padding padding;
  bool align_corners;
  // Grid value in [-1, 1] → pixel coordinate along a dim of `size`.
  float unnormalize(float g, int64_t size) const {
    const auto s = static_cast<float>(size);
    return align_corners ? (g + 1) / 2 * (s - 1) : ((g + 1) * s - 1) / 2;
  }
  // Border clamps, reflection mirrors at the edges (then clamps); zeros keeps.
  float pad(float x, int64_t size) const {
    const auto hi = static_cast<float>(size - 1);
    if (padding == Padding::Border) return std::clamp(x, 0.f, hi);
    if (padding != Padding::Reflection) return x;
    const float lo2 = align_corners ? 0.f : -1.f, hi2 = align_corners ? 2 * hi : 2 * hi + 1;
    if (lo2 == hi2) return 0.f;
    const float min = lo2 / 2, span = (hi2 - lo2) / 2;
    const float d = std::abs(x - min);
    const float extra = std::fmod(d, span);
    const auto flips = static_cast<int64_t>(std::floor(d / span));
    return std::clamp(flips % 2 == 0 ? extra + min : span - extra + min, 0.f, hi);
  }
};

// Pixel (x, y) of one plane, 0 outside.
float pixel(const float* plane, int64_t w, int64_t h, int64_t x, int64_t y) {
  return x >= 0 && x < w && y >= 0 && y < h ? plane[y * w + x] : 0.f;
}

float bicubic(const Sampler& s, const float* plane, int64_t w, int64_t h, float x, float y) {
  const float fx = std::floor(x), fy = std::floor(y);
  const auto wx = cubic_weights(x - fx, -0.75f), wy = cubic_weights(y - fy, -0.75f);
  float acc = 0;
  for (int j = 0; j < 4; ++j)
    for (int i = 0; i < 4; ++i) {
      // Each tap is padded on its own (border / reflection), like PyTorch.
      const auto tx = static_cast<int64_t>(s.pad(fx - 1 + static_cast<float>(i), w));
      const auto ty = static_cast<int64_t>(s.pad(fy - 1 + static_cast<float>(j), h));
      acc += wx[static_cast<size_t>(i)] * wy[static_cast<size_t>(j)] * pixel(plane, w, h, tx, ty);
    }
  return acc;
}

// X [N, C, H, W] sampled at grid [N, Ho, Wo, 2] (x, y in [-1, 1]) → [N, C, Ho, Wo].
void grid_sample_f32(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  const ir::Tensor& grid = ctx.in(1);
  const auto& xs = x.shape();
  const auto& gs = grid.shape();
  if (xs.size() != 4 || gs.size() != 4 || gs[0] != xs[0] || gs[3] != 2)
    ctx.fail("X {} and grid {} must be [N, C, H, W] and [N, Ho, Wo, 2]", ir::shape_str(xs), ir::shape_str(gs));
  // Opset 20 renamed bilinear / bicubic to linear / cubic.
  std::string mode = ctx.attrs().get_string("mode", "bilinear");
  if (mode == "linear") mode = "bilinear";
  if (mode == "cubic") mode = "bicubic";
  const std::string pad = ctx.attrs().get_string("padding_mode", "zeros");
  if (mode != "bilinear" && mode != "nearest" && mode != "bicubic") ctx.fail("mode '{}' is not linear (bilinear), nearest or cubic (bicubic)", mode);
  if (pad != "zeros" && pad != "border" && pad != "reflection") ctx.fail("padding_mode '{}' is not zeros, border or reflection", pad);
  const Sampler s{pad == "border" ? Padding::Border : pad == "reflection" ? Padding::Reflection : Padding::Zeros,
                  ctx.attrs().get_int("align_corners", 0) != 0};
  const int64_t n = xs[0], c = xs[1], h = xs[2], w = xs[3], ho = gs[1], wo = gs[2];
  float* dst = ctx.set_output(0, x.dtype(), {n, c, ho, wo}).data<float>();
  const float* src = x.data<float>();
  const float* g = grid.data<float>();
  ctx.pool.parallel_for(n * c, ho * wo * 16, [&](int64_t b, int64_t e) {
    for (int64_t nc = b; nc < e; ++nc) {
      const float* plane = src + nc * h * w;
      const float* gp = g + (nc / c) * ho * wo * 2;
      for (int64_t p = 0; p < ho * wo; ++p) {
        float px = s.unnormalize(gp[2 * p], w), py = s.unnormalize(gp[2 * p + 1], h);
        float v;
        if (mode == "bicubic") {
          v = bicubic(s, plane, w, h, px, py);
        } else if (px = s.pad(px, w), py = s.pad(py, h); mode == "nearest") {
          v = pixel(plane, w, h, static_cast<int64_t>(std::nearbyint(px)), static_cast<int64_t>(std::nearbyint(py)));
        } else {
          const float fx = std::floor(px), fy = std::floor(py), ax = px - fx, ay = py - fy;
          const auto x0 = static_cast<int64_t>(fx), y0 = static_cast<int64_t>(fy);
          v = (1 - ax) * (1 - ay) * pixel(plane, w, h, x0, y0) + ax * (1 - ay) * pixel(plane, w, h, x0 + 1, y0) +
              (1 - ax) * ay * pixel(plane, w, h, x0, y0 + 1) + ax * ay * pixel(plane, w, h, x0 + 1, y0 + 1);
        }
        dst[nc * ho * wo + p] = v;
      }
    }
  });
}

RKNNC_KERNEL("GridSample", ir::DataType::Float32, grid_sample_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
