#pragma once
// Quantisation parameters of one tensor (004 §6.1, asymmetric_quantized-8):
// real = (q - zero_point) * scale. Activations are per-tensor (one scale, one
// zero point); weights of quantized_method channel are per-output-channel
// (axis 0, zero point 0); int32 biases carry scale s_in * s_w and zero point 0.
// Kept per tensor name in Graph::quant; stored in the .rknn tensors section.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace rknnc::ir {

inline constexpr const char* kAsymmetricInt8 = "asymmetric_quantized-8";

struct QuantParams {
  std::string qtype = kAsymmetricInt8;
  int axis = -1;  // -1: per tensor; else the channel axis of per-channel params
  std::vector<float> scale;
  std::vector<int32_t> zero_point;

  static QuantParams per_tensor(float scale, int32_t zero_point) { return {kAsymmetricInt8, -1, {scale}, {zero_point}}; }
  bool per_channel() const { return axis >= 0; }
  float scale_at(size_t c) const { return scale.size() == 1 ? scale[0] : scale.at(c); }
  int32_t zero_point_at(size_t c) const { return zero_point.size() == 1 ? zero_point[0] : zero_point.at(c); }
  bool operator==(const QuantParams&) const = default;
};

// std::nearbyint(v) in the default rounding mode (halves to even), without a
// libm call (the baseline x86-64 build has no roundsd): adding and
// subtracting 1.5 * 2^52 rounds v to an integer for |v| < 2^51; larger
// doubles are integers already. NaN stays NaN.
inline double round_half_even(double v) {
  constexpr double kShift = 6755399441055744.0;
  return std::fabs(v) < 2251799813685248.0 ? (v + kShift) - kShift : v;
}

// q = clamp(round_half_even(x / scale) + zero_point, lo, hi) (QuantizeLinear's
// rounding); NaN gives the zero point. Weights, biases, lookup tables, clamp
// bounds and the QuantizeLinear kernel all quantise with it.
inline int32_t quantize_real(double x, float scale, int32_t zero_point, int32_t lo = -128, int32_t hi = 127) {
  const double q = round_half_even(x / static_cast<double>(scale)) + zero_point;
  return std::isnan(q) ? zero_point : static_cast<int32_t>(std::clamp(q, static_cast<double>(lo), static_cast<double>(hi)));
}

}  // namespace rknnc::ir
