#include <algorithm>
#include <array>
#include <numeric>

#include "runtime/kernels/helpers/attrs.h"

namespace rknnc::runtime::kernels {
namespace {

using Box = std::array<float, 4>;  // y1, x1, y2, x2 with y1 <= y2, x1 <= x2

Box corners(const float* b, bool center_point) {
  if (center_point) return {b[1] - b[3] / 2, b[0] - b[2] / 2, b[1] + b[3] / 2, b[0] + b[2] / 2};
  return {std::min(b[0], b[2]), std::min(b[1], b[3]), std::max(b[0], b[2]), std::max(b[1], b[3])};
}

float iou(const Box& a, const Box& b) {
  const float area_a = (a[2] - a[0]) * (a[3] - a[1]), area_b = (b[2] - b[0]) * (b[3] - b[1]);
  if (area_a <= 0 || area_b <= 0) return 0;
  const float ih = std::max(0.f, std::min(a[2], b[2]) - std::max(a[0], b[0]));
  const float iw = std::max(0.f, std::min(a[3], b[3]) - std::max(a[1], b[1]));
  const float inter = ih * iw;
  return inter / (area_a + area_b - inter);
}

// Greedy per (batch, class): boxes above score_threshold, highest score first
// (lower index on ties), each dropping the later ones overlapping it by more
// than iou_threshold, at most max_output_boxes_per_class. Output rows are
// (batch, class, box index), int64.
void non_max_suppression_f32(KernelContext& ctx) {
  const ir::Tensor& boxes = ctx.in(0);
  const ir::Tensor& scores = ctx.in(1);
  const auto& bs = boxes.shape();
  const auto& ss = scores.shape();
  if (bs.size() != 3 || bs[2] != 4 || ss.size() != 3 || ss[0] != bs[0] || ss[2] != bs[1])
    ctx.fail("boxes {} and scores {} must be [B, N, 4] and [B, classes, N]", ir::shape_str(bs), ir::shape_str(ss));
  const int64_t max_out = static_cast<int64_t>(scalar_input(ctx, 2).value_or(0));
  const auto iou_threshold = static_cast<float>(scalar_input(ctx, 3).value_or(0));
  const auto score_threshold = scalar_input(ctx, 4);
  const bool center_point = ctx.attrs().get_int("center_point_box", 0) != 0;
  const int64_t batches = bs[0], n = bs[1], classes = ss[1];
  std::vector<int64_t> rows;
  std::vector<int64_t> order(static_cast<size_t>(n));
  for (int64_t b = 0; b < batches; ++b) {
    std::vector<Box> box(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) box[static_cast<size_t>(i)] = corners(boxes.data<float>() + (b * n + i) * 4, center_point);
    for (int64_t c = 0; c < classes; ++c) {
      const float* sc = scores.data<float>() + (b * classes + c) * n;
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(), [&](int64_t i, int64_t j) { return sc[i] > sc[j]; });
      std::vector<int64_t> kept;
      for (int64_t i : order) {
        if (static_cast<int64_t>(kept.size()) >= max_out) break;
        if (score_threshold && sc[i] <= *score_threshold) break;
        const bool suppressed = std::any_of(kept.begin(), kept.end(), [&](int64_t k) {
          return iou(box[static_cast<size_t>(k)], box[static_cast<size_t>(i)]) > iou_threshold;
        });
        if (!suppressed) kept.push_back(i);
      }
      for (int64_t k : kept) rows.insert(rows.end(), {b, c, k});
    }
  }
  ctx.outputs[0] = ir::Tensor::from<int64_t>({static_cast<int64_t>(rows.size() / 3), 3}, rows);
}

RKNNC_KERNEL("NonMaxSuppression", ir::DataType::Float32, non_max_suppression_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
