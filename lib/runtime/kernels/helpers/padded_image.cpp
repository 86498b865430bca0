#include "runtime/kernels/helpers/padded_image.h"

#include <algorithm>
#include <cstring>

namespace rknnc::runtime::kernels {
namespace {

// Padded columns per 8 outputs above which the wasted products cost more
// than the im2col copy they save (3x3 layers on 7x7 .. 160x160 images).
constexpr int64_t kMaxColumnsPer8Outputs = 12;
constexpr int64_t kBandFloats = 1 << 19;  // a band's scratch of padded columns

// Phase plane extent along dim d: the padded extent over the stride, rounded up.
int64_t phase_dim(const Window& w, int d) {
  return (w.in[d] + w.pad_begin[d] + w.pad_end[d] + w.stride[d] - 1) / w.stride[d];
}

int64_t padded_columns(const Window& w) {
  const int64_t hq = phase_dim(w, 1), wq = phase_dim(w, 2);
  return (w.out[0] - 1) * hq * wq + (w.out[1] - 1) * wq + w.out[2];
}

}  // namespace

bool PaddedImage::suits(const Window& w) {
  return w.kernel_size() > 1 && w.out_size() > 0 && padded_columns(w) * 8 <= w.out_size() * kMaxColumnsPer8Outputs;
}

PaddedImage::PaddedImage(const float* image, int64_t channels, const Window& w, int64_t lanes)
    : w_(w), lanes_(lanes) {
  for (int d = 0; d < 3; ++d) q_[static_cast<size_t>(d)] = phase_dim(w, d);
  phase_ = q_[0] * q_[1] * q_[2];
  channel_ = w.stride[0] * w.stride[1] * w.stride[2] * phase_;
  phases_.assign(static_cast<size_t>(channels * channel_ + lanes), 0.0f);
  for (int64_t c = 0; c < channels; ++c)
    for (int64_t d = 0; d < w.in[0]; ++d)
      for (int64_t h = 0; h < w.in[1]; ++h) copy_row(image + ((c * w.in[0] + d) * w.in[1] + h) * w.in[2], c, d, h);
  const int64_t taps = w.kernel_size();
  offsets_.resize(static_cast<size_t>(channels * taps));
  for (int64_t k = 0; k < taps; ++k) {
    const std::array<int64_t, 3> at{k / (w.kernel[2] * w.kernel[1]) * w.dilation[0],
                                    (k / w.kernel[2]) % w.kernel[1] * w.dilation[1], k % w.kernel[2] * w.dilation[2]};
    int64_t phase = 0, inside = 0;  // the tap's phase, and its offset inside the phase plane
    for (int d = 0; d < 3; ++d) {
      phase = phase * w.stride[d] + at[static_cast<size_t>(d)] % w.stride[d];
      inside = inside * q_[static_cast<size_t>(d)] + at[static_cast<size_t>(d)] / w.stride[d];
    }
    for (int64_t c = 0; c < channels; ++c)
      offsets_[static_cast<size_t>(c * taps + k)] = c * channel_ + phase * phase_ + inside;
  }
}

// Input row (channel, d, h) into its phases: padded position p goes to phase
// p % stride, index p / stride along each dim.
void PaddedImage::copy_row(const float* src, int64_t channel, int64_t d, int64_t h) {
  const Window& w = w_;
  const int64_t pd = d + w.pad_begin[0], ph = h + w.pad_begin[1], sw = w.stride[2];
  float* plane = phases_.data() + channel * channel_ +
                 ((pd % w.stride[0]) * w.stride[1] + ph % w.stride[1]) * sw * phase_ +
                 ((pd / w.stride[0]) * q_[1] + ph / w.stride[1]) * q_[2];
  if (sw == 1) {
    std::memcpy(plane + w.pad_begin[2], src, sizeof(float) * static_cast<size_t>(w.in[2]));
    return;
  }
  for (int64_t r = 0; r < sw; ++r) {  // phase r holds padded columns r, r + sw, ...
    const int64_t first = ((r - w.pad_begin[2]) % sw + sw) % sw;  // the first input column in it
    float* dst = plane + r * phase_ + (first + w.pad_begin[2]) / sw;
    for (int64_t x = first; x < w.in[2]; x += sw) *dst++ = src[x];
  }
}

// The matrix's columns [first, first + n) (n a multiple of the vector width:
// the last ones read into the zeros after the phases).
class PaddedImage::Band final : public BSource {
 public:
  Band(const PaddedImage& image, int64_t first) : image_(image), first_(first) {}
  const float* row_offsets(const int64_t*& off) const override {
    off = image_.offsets_.data();
    return image_.phases_.data() + first_;
  }
  void pack(int64_t nr, int64_t p0, int64_t kc, int64_t j0, int64_t nc, float* dst) const override {
    for (int64_t jp = 0; jp < nc; jp += nr, dst += kc * nr) {
      const int64_t cols = std::min(nr, nc - jp);
      for (int64_t p = 0; p < kc; ++p) {
        const float* src = image_.phases_.data() + image_.offsets_[static_cast<size_t>(p0 + p)] + first_ + j0 + jp;
        std::copy(src, src + cols, dst + p * nr);
        std::fill(dst + p * nr + cols, dst + (p + 1) * nr, 0.0f);
      }
    }
  }

 private:
  const PaddedImage& image_;
  int64_t first_;
};

void PaddedImage::convolve(const AMatrix& a, float* y, const GemmEpilogue& epilogue, ThreadPool* pool) const {
  const Window& w = w_;
  const int64_t rows = w.out[0] * w.out[1], out = w.out_size(), width = w.out[2];
  const int64_t band_rows = std::clamp<int64_t>(kBandFloats / std::max<int64_t>(a.m * q_[2], 1), 1, rows);
  std::vector<float> c;
  for (int64_t r0 = 0; r0 < rows; r0 += band_rows) {
    const int64_t r1 = std::min(rows, r0 + band_rows), first = column_of(r0);
    const int64_t n = (column_of(r1 - 1) + width - first + lanes_ - 1) / lanes_ * lanes_;
    c.resize(static_cast<size_t>(a.m * n));
    gemm_packed(a, Band(*this, first), n, c.data(), n, pool, epilogue);
    auto copy = [&](int64_t b, int64_t e) {
      for (int64_t m = b; m < e; ++m)
        for (int64_t r = r0; r < r1; ++r)
          std::copy_n(c.data() + m * n + column_of(r) - first, width, y + m * out + r * width);
    };
    if (pool) pool->parallel_for(a.m, (r1 - r0) * width, copy);
    else copy(0, a.m);
  }
}

}  // namespace rknnc::runtime::kernels
