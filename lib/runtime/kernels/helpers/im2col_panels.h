#pragma once
// The im2col matrix of one image and group, B[(c*K + k), o] = x[c, tap k of
// output o] (0 in padding), packed straight into gemm panels: the matrix
// itself (taps times the input) is never materialised.
#include "runtime/kernels/helpers/packed_gemm.h"
#include "runtime/kernels/helpers/window.h"

namespace rknnc::runtime::kernels {

struct Im2colPanels final : BSource {
  const float* x;  // channels x w.in_size()
  const Window& w;
  Im2colPanels(const float* image, const Window& window) : x(image), w(window) {}
  void pack(int64_t nr, int64_t p0, int64_t kc, int64_t j0, int64_t nc, float* dst) const override;
};

}  // namespace rknnc::runtime::kernels
