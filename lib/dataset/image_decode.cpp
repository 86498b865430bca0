// The one translation unit with stb_image's implementation. STB_IMAGE_STATIC
// keeps its symbols private to this file, so another stb user cannot clash.
#include "dataset/image_decode.h"

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <memory>

#define STB_IMAGE_IMPLEMENTATION
#define STB_IMAGE_STATIC
#define STBI_NO_STDIO
#define STBI_ONLY_JPEG
#define STBI_ONLY_PNG
#define STBI_ONLY_BMP
#define STBI_MAX_DIMENSIONS 16384
#pragma GCC diagnostic push
// STB_IMAGE_STATIC leaves the API functions we do not call unused; stb's
// decoders trip -Wmaybe-uninitialized with some GCC versions and flags.
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <stb_image.h>
#pragma GCC diagnostic pop

namespace rknnc::dataset {

static_assert(STBI_MAX_DIMENSIONS == kMaxImageSide);

bool decode_image(const std::string& bytes, int channels, Image* out, std::string* reason) {
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    *reason = "file larger than 2 GiB";
    return false;
  }
  const auto* data = reinterpret_cast<const stbi_uc*>(bytes.data());
  const int len = static_cast<int>(bytes.size());
  int w = 0, h = 0, c = 0;
  // Header first: the size limit applies before any pixel memory is allocated.
  if (!stbi_info_from_memory(data, len, &w, &h, &c)) {
    const char* why = stbi_failure_reason();
    *reason = why ? why : "unknown image format";
    return false;
  }
  if (w <= 0 || h <= 0 || w > kMaxImageSide || h > kMaxImageSide || int64_t{w} * h > kMaxImagePixels) {
    *reason = fmt::format("{}x{} pixels; the limit is {} per side and {} in all", w, h, kMaxImageSide, kMaxImagePixels);
    return false;
  }
  std::unique_ptr<stbi_uc, void (*)(void*)> px(stbi_load_from_memory(data, len, &w, &h, &c, channels), stbi_image_free);
  if (!px) {
    const char* why = stbi_failure_reason();
    *reason = why ? why : "decoder error";
    return false;
  }
  out->width = w;
  out->height = h;
  out->channels = channels;
  out->pixels.assign(px.get(), px.get() + static_cast<size_t>(w) * static_cast<size_t>(h) * static_cast<size_t>(channels));
  return true;
}

namespace {

// Source index pair and weight of the second for each destination index.
struct Tap {
  size_t i0, i1;
  double f;
};

std::vector<Tap> taps(int in, int out) {
  std::vector<Tap> t(static_cast<size_t>(out));
  const double scale = static_cast<double>(in) / out;
  for (int o = 0; o < out; ++o) {
    const double s = std::max(0.0, (o + 0.5) * scale - 0.5);
    const int i0 = std::min(static_cast<int>(s), in - 1);
    const int i1 = std::min(i0 + 1, in - 1);
    t[static_cast<size_t>(o)] = {static_cast<size_t>(i0), static_cast<size_t>(i1), s - i0};
  }
  return t;
}

}  // namespace

Image resize_bilinear(const Image& in, int width, int height) {
  Image out{width, height, in.channels, {}};
  const auto c = static_cast<size_t>(in.channels);
  const auto in_w = static_cast<size_t>(in.width);
  out.pixels.resize(static_cast<size_t>(width) * static_cast<size_t>(height) * c);
  const auto xs = taps(in.width, width), ys = taps(in.height, height);
  auto at = [&](size_t y, size_t x, size_t k) { return static_cast<double>(in.pixels[(y * in_w + x) * c + k]); };
  size_t o = 0;
  for (const Tap& y : ys)
    for (const Tap& x : xs)
      for (size_t k = 0; k < c; ++k) {
        const double top = at(y.i0, x.i0, k) * (1 - x.f) + at(y.i0, x.i1, k) * x.f;
        const double bottom = at(y.i1, x.i0, k) * (1 - x.f) + at(y.i1, x.i1, k) * x.f;
        out.pixels[o++] = static_cast<uint8_t>(std::clamp(std::lround(top * (1 - y.f) + bottom * y.f), 0L, 255L));
      }
  return out;
}

}  // namespace rknnc::dataset
