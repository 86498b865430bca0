#include "quant/weights.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "quant/quantize_graph.h"

namespace rknnc::quant {
namespace {

constexpr float kTinyScale = 1e-8f;  // an all-zero channel still gets a valid scale

}  // namespace

QuantizedConstant quantize_weight(const ir::Tensor& w, bool per_channel, int axis) {
  const auto a = static_cast<size_t>(axis);
  const int64_t channels = per_channel ? w.shape().at(a) : 1;
  int64_t inner = 1;  // elements of one channel's run along the dims after axis
  for (size_t d = a + 1; per_channel && d < w.shape().size(); ++d) inner *= w.shape()[d];
  const auto channel_of = [&](int64_t i) { return per_channel ? (i / inner) % channels : 0; };
  const float* src = w.data<float>();
  QuantizedConstant out{ir::Tensor(ir::DataType::Int8, w.shape()), {}};
  out.params.axis = per_channel ? axis : -1;
  std::vector<float> peak(static_cast<size_t>(channels), 0.f);
  for (int64_t i = 0; i < w.numel(); ++i) peak[channel_of(i)] = std::max(peak[channel_of(i)], std::abs(src[i]));
  for (float p : peak) {
    out.params.scale.push_back(p > 0 ? p / 127.0f : kTinyScale);
    out.params.zero_point.push_back(0);
  }
  int8_t* dst = out.values.data<int8_t>();
  for (int64_t i = 0; i < w.numel(); ++i)
    dst[i] = static_cast<int8_t>(ir::quantize_real(src[i], out.params.scale[channel_of(i)], 0, -127, 127));
  return out;
}

QuantizedConstant quantize_bias(const ir::Tensor& b, float input_scale, const ir::QuantParams& weight) {
  const std::vector<float> v = b.to_float_vector();
  QuantizedConstant out{ir::Tensor(ir::DataType::Int32, {static_cast<int64_t>(v.size())}), {}};
  out.params.axis = weight.per_channel() ? 0 : -1;
  int32_t* dst = out.values.data<int32_t>();
  constexpr int32_t lo = std::numeric_limits<int32_t>::min(), hi = std::numeric_limits<int32_t>::max();
  for (size_t c = 0; c < v.size(); ++c) {
    const float scale = input_scale * weight.scale_at(weight.per_channel() ? c : 0);
    if (c == 0 || weight.per_channel()) out.params.scale.push_back(scale), out.params.zero_point.push_back(0);
    dst[c] = ir::quantize_real(v[c], scale, 0, lo, hi);
  }
  return out;
}

QuantizedConstant quantize_constant(const ir::Tensor& t) {
  const std::vector<float> v = t.to_float_vector();
  Range r;  // over the finite values: ±inf saturates to the ends of the range
  bool first = true;
  for (float x : v) {
    if (!std::isfinite(x)) continue;
    r = first ? Range{x, x} : Range{std::min(r.lo, x), std::max(r.hi, x)};
    first = false;
  }
  QuantizedConstant out{ir::Tensor(ir::DataType::Int8, t.shape()), activation_params(r)};
  int8_t* dst = out.values.data<int8_t>();
  for (size_t i = 0; i < v.size(); ++i)
    dst[i] = static_cast<int8_t>(ir::quantize_real(v[i], out.params.scale[0], out.params.zero_point[0], -128, 127));
  return out;
}

ChannelOf::ChannelOf(const ir::Shape& shape, const ir::QuantParams& p) {
  if (!p.per_channel()) return;
  dim = shape.at(static_cast<size_t>(p.axis));
  for (size_t d = static_cast<size_t>(p.axis) + 1; d < shape.size(); ++d) inner *= shape[d];
}

QuantizedConstant quantize_with_params(const ir::Tensor& t, const ir::QuantParams& p) {
  const std::vector<float> v = t.to_float_vector();
  QuantizedConstant out{ir::Tensor(ir::DataType::Int8, t.shape()), p};
  const ChannelOf channel(t.shape(), p);
  int8_t* dst = out.values.data<int8_t>();
  for (size_t i = 0; i < v.size(); ++i) {
    const size_t c = channel(static_cast<int64_t>(i));
    dst[i] = static_cast<int8_t>(ir::quantize_real(v[i], p.scale_at(c), p.zero_point_at(c)));
  }
  return out;
}

bool symmetric_per_channel(const ir::QuantParams& p, const ir::Tensor& t, int axis) {
  if (std::any_of(p.zero_point.begin(), p.zero_point.end(), [](int32_t z) { return z != 0; })) return false;
  if (!p.per_channel()) return p.scale.size() == 1;
  return axis >= 0 && p.axis == axis && static_cast<size_t>(axis) < t.shape().size() &&
         static_cast<int64_t>(p.scale.size()) == t.shape()[static_cast<size_t>(axis)];
}

}  // namespace rknnc::quant
