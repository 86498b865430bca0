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

PaddedImage::PaddedImage(const float* image, int64_t channels, const Window& w, int64_t lanes, ThreadPool* pool,
                         int64_t plane, int64_t ldy)
    : w_(w), lanes_(lanes), ldy_(ldy ? ldy : w.out_size()) {
  phases_.build(image, channels, w, 0.0f, lanes, pool, plane);
}

namespace {

// Images whose padded phases take more than this run in bands of about
// kRowBandBytes of phases (a core's L2 holds a band and its outputs).
constexpr int64_t kWholeImageBytes = 4 << 20;
constexpr int64_t kRowBandBytes = 1 << 20;
constexpr int64_t kMinBandChannels = 16;

// Output rows [r0, r1) of a 2-D window as a window of their own, over the
// input rows from h0: its padding is what of the band lies outside the image.
Window row_band(const Window& w, int64_t r0, int64_t r1, int64_t& h0) {
  Window b = w;
  const int64_t first = r0 * w.stride[1] - w.pad_begin[1];  // the band's first padded row, in image rows
  const int64_t last = (r1 - 1) * w.stride[1] - w.pad_begin[1] + (w.kernel[1] - 1) * w.dilation[1];
  h0 = std::clamp<int64_t>(first, 0, w.in[1]);
  const int64_t h1 = std::clamp<int64_t>(last + 1, h0, w.in[1]);
  b.in[1] = h1 - h0;
  b.pad_begin[1] = h0 - first;
  b.pad_end[1] = last + 1 - first - b.pad_begin[1] - b.in[1];
  b.out[1] = r1 - r0;
  return b;
}

}  // namespace

void convolve_padded(const float* image, int64_t channels, const Window& w, const AMatrix& a, float* y,
                     const GemmEpilogue& epilogue, ThreadPool& pool) {
  const int64_t lanes = a.tile->lanes;
  const int64_t row_bytes = channels * w.stride[1] * (w.in[2] + w.pad_begin[2] + w.pad_end[2]) * 4;
  // bands of at most kRowBandBytes, and at least four a thread: an uneven last round of a few large bands
  // costs more than the phases' trip to memory (yolov5s's 64->128 on 160x160 in 7 bands on 2 threads; in 8 or
  // more, alone: 5.30 -> 4.97 ms)
  const int64_t rows = w.out[1], threads = pool.size();
  const int64_t band_rows = std::clamp<int64_t>(kRowBandBytes / std::max<int64_t>(row_bytes, 1), 1,
                                                (rows + 4 * threads - 1) / (4 * threads));
  const bool two_d = w.in[0] == 1 && w.out[0] == 1 && w.kernel[0] == 1;
  // An image of few channels (an RGB stem) is left whole: its phases are small next to its output, and in
  // bands yolov5s's stem (3 channels, 6x6 stride 2 on 640x640) ran slower in the network (8.7 -> 9.8 ms).
  if (!two_d || channels < kMinBandChannels || rows * row_bytes <= kWholeImageBytes || band_rows >= rows) {
    PaddedImage(image, channels, w, lanes, &pool).convolve(a, y, epilogue, &pool);
    return;
  }
  const int64_t bands = (rows + band_rows - 1) / band_rows;
  pool.parallel_for(bands, band_rows * w.out[2] * a.m * a.k, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      const int64_t r0 = b * band_rows, r1 = std::min(rows, r0 + band_rows);
      int64_t h0 = 0;
      const Window band = row_band(w, r0, r1, h0);
      PaddedImage(image + h0 * w.in[2], channels, band, lanes, nullptr, w.in_size(), w.out_size())
          .convolve(a, y + r0 * w.out[2], epilogue, nullptr);
    }
  });
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
    gemm_packed(a, rows, plane, y + od * plane, ldy_, pool, epilogue);
  }
}

void PaddedImage::convolve_bands(const AMatrix& a, float* y, const GemmEpilogue& epilogue, ThreadPool* pool) const {
  const Window& w = w_;
  const int64_t rows = w.out[0] * w.out[1], out = ldy_, width = w.out[2];
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
