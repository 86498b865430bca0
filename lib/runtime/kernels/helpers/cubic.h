#pragma once
// Cubic convolution (Keys) shared by Resize mode cubic and GridSample bicubic.
#include <array>

namespace rknnc::runtime::kernels {

// Weights of the taps at floor(c) - 1 … floor(c) + 2 for t = c - floor(c).
inline std::array<float, 4> cubic_weights(float t, float a) {
  auto near = [a](float d) { return ((a + 2) * d - (a + 3)) * d * d + 1; };       // |d| <= 1
  auto far = [a](float d) { return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a; };  // 1 < |d| < 2
  return {far(t + 1), near(t), near(1 - t), far(2 - t)};
}

}  // namespace rknnc::runtime::kernels
