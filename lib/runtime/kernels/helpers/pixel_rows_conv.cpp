#include "runtime/kernels/helpers/pixel_rows_conv.h"

#include <algorithm>

#include "runtime/kernels/helpers/conv_loops.h"
#include "runtime/kernels/helpers/packed_gemm.h"
#include "runtime/kernels/helpers/scratch.h"
#include "runtime/kernels/helpers/transpose_f32.h"

namespace rknnc::runtime::kernels {
namespace {

// Columns of work the tiles do for n columns: whole tiles, then the
// narrowest tile of whole vectors over the rest.
int64_t tile_columns(int64_t n, const TileKernel& t) {
  return n / t.nr * t.nr + (n % t.nr + t.lanes - 1) / t.lanes * t.lanes;
}

// The transposes cost a pass over the input and the output; above this many
// pixels the pixel-lane tiles waste little (a 14x14 plane: 196 columns in 208).
constexpr int64_t kMaxPixels = 64;

}  // namespace

bool pixel_rows_suit(const Window& w, int64_t channels, const TileKernel& t) {
  const int64_t pixels = w.out_size();
  if (w.kernel_size() != 1 || pixels <= 0 || pixels > kMaxPixels || channels < t.nr) return false;
  // wasted fraction of the tiles' columns, pixel lanes against channel lanes
  const double pixel_waste = 1.0 - static_cast<double>(pixels) / static_cast<double>(tile_columns(pixels, t));
  const double channel_waste =
      1.0 - static_cast<double>(channels) / static_cast<double>(tile_columns(channels, t));
  // A fifth: 7x7 on AVX-512 (49 columns in 64) wins, on AVX2 (49 in 56)
  // the transposes ate the gain (1x1 1024->2048 stride 2: 5.3 -> 7.1 ms).
  return pixel_waste > channel_waste + 0.2;
}

std::vector<float> pixel_rows_weights(const float* w, int64_t channels, int64_t k) {
  std::vector<float> wt(static_cast<size_t>(channels * k));
  transpose_f32(w, channels, k, k, wt.data(), channels, gemm_isa(), nullptr);
  return wt;
}

void conv_pixel_rows(const float* x, int64_t cin, const Window& w, bool pointwise, const std::vector<float>& wt,
                     int64_t channels, const float* bias, const FusedActivation* act, float* y, ThreadPool& pool,
                     Isa isa) {
  const int64_t pixels = w.out_size(), k = cin * w.kernel_size();
  thread_local Scratch cols, out;
  const float* col = x;
  if (!pointwise) {
    float* c = cols.floats(static_cast<size_t>(k * pixels));
    im2col<float>(x, cin, w, c, &pool);
    col = c;
  }
  thread_local AMatrix a;
  set_a_matrix(a, col, pixels, k, pixels, true, isa);  // A[pixel][k] = col[k][pixel]
  float* ct = out.floats(static_cast<size_t>(pixels * channels));
  for (int64_t p = 0; p < pixels; ++p) {  // every chain starts from its channel's bias
    float* row = ct + p * channels;
    if (bias) std::copy(bias, bias + channels, row);
    else std::fill_n(row, channels, 0.0f);
  }
  gemm_packed(a, BMatrix(wt.data(), channels, false), channels, ct, channels, &pool, {false, nullptr, act});
  transpose_f32(ct, pixels, channels, channels, y, pixels, isa, &pool);
}

}  // namespace rknnc::runtime::kernels
