#include "runtime/kernels/helpers/padded_image.h"

#include <algorithm>
#include <cstring>

#include "runtime/kernels/helpers/scratch.h"

namespace rknnc::runtime::kernels {
namespace {

// Padded columns per 8 outputs above which the wasted products cost more
// than the im2col copy they save (3x3 layers on 7x7 .. 160x160 images).
constexpr int64_t kMaxColumnsPer8Outputs = 12;
constexpr int64_t kBandFloats = 1 << 19;  // a band's scratch of padded columns

int64_t padded_columns(const Window& w) {
  const int64_t hq = phase_extent(w, 1), wq = phase_extent(w, 2);
  return (w.out[0] - 1) * hq * wq + (w.out[1] - 1) * wq + w.out[2];
}

}  // namespace

bool PaddedImage::suits(const Window& w) {
  return w.kernel_size() > 1 && w.out_size() > 0 && padded_columns(w) * 8 <= w.out_size() * kMaxColumnsPer8Outputs;
}

PaddedImage::PaddedImage(const float* image, int64_t channels, const Window& w, int64_t lanes, ThreadPool* pool)
    : w_(w), lanes_(lanes) {
  phases_.build(image, channels, w, 0.0f, lanes, pool);
}

// The matrix's columns [first, first + n) (n a multiple of the vector width:
// the last ones read into the zeros after the phases), or, with a pitch,
// the first `width` columns of each of its rows `pitch` apart from `first`.
class PaddedImage::Band final : public BSource {
 public:
  Band(const PaddedImage& image, int64_t first, int64_t pitch = 0, int64_t width = 0)
      : image_(image), first_(first), pitch_(pitch), width_(width) {}
  const float* row_offsets(const int64_t*& off, int64_t& pitch, int64_t& width) const override {
    off = image_.phases_.offsets.data();
    pitch = pitch_, width = width_;
    return image_.phases_.data.data() + first_;
  }
  void pack(int64_t nr, int64_t p0, int64_t kc, int64_t j0, int64_t nc, float* dst) const override {
    for (int64_t jp = 0; jp < nc; jp += nr, dst += kc * nr) {
      const int64_t cols = std::min(nr, nc - jp);
      for (int64_t p = 0; p < kc; ++p) {
        const float* src =
            image_.phases_.data.data() + image_.phases_.offsets[static_cast<size_t>(p0 + p)] + first_ + j0 + jp;
        std::copy(src, src + cols, dst + p * nr);
        std::fill(dst + p * nr + cols, dst + (p + 1) * nr, 0.0f);
      }
    }
  }

 private:
  const PaddedImage& image_;
  int64_t first_, pitch_, width_;
};

void PaddedImage::convolve(const AMatrix& a, float* y, const GemmEpilogue& epilogue, ThreadPool* pool) const {
  if (w_.out[2] % lanes_ == 0) convolve_rows(a, y, epilogue, pool);
  else convolve_bands(a, y, epilogue, pool);
}

void PaddedImage::convolve_rows(const AMatrix& a, float* y, const GemmEpilogue& epilogue, ThreadPool* pool) const {
  const Window& w = w_;
  const int64_t plane = w.out[1] * w.out[2];  // outputs of one output depth
  for (int64_t od = 0; od < w.out[0]; ++od) {
    const Band rows(*this, phases_.column_of(od * w.out[1]), phases_.q[2], w.out[2]);
    gemm_packed(a, rows, plane, y + od * plane, w.out_size(), pool, epilogue);
  }
}

void PaddedImage::convolve_bands(const AMatrix& a, float* y, const GemmEpilogue& epilogue, ThreadPool* pool) const {
  const Window& w = w_;
  const int64_t rows = w.out[0] * w.out[1], out = w.out_size(), width = w.out[2];
  const int64_t band_rows = std::clamp<int64_t>(kBandFloats / std::max<int64_t>(a.m * phases_.q[2], 1), 1, rows);
  std::vector<float, UninitAllocator<float>> band;  // the band's padded columns
  for (int64_t r0 = 0; r0 < rows; r0 += band_rows) {
    const int64_t r1 = std::min(rows, r0 + band_rows), first = phases_.column_of(r0);
    const int64_t n = (phases_.column_of(r1 - 1) + width - first + lanes_ - 1) / lanes_ * lanes_;
    grow_to(band, static_cast<size_t>(a.m * n));
    float* c = band.data();
    gemm_packed(a, Band(*this, first), n, c, n, pool, epilogue);
    auto copy = [&](int64_t b, int64_t e) {
      for (int64_t m = b; m < e; ++m)
        for (int64_t r = r0; r < r1; ++r)
          std::copy_n(c + m * n + phases_.column_of(r) - first, width, y + m * out + r * width);
    };
    if (pool) pool->parallel_for(a.m, (r1 - r0) * width, copy);
    else copy(0, a.m);
  }
}

}  // namespace rknnc::runtime::kernels
