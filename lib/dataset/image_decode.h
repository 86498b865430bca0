#pragma once
// Image decoding (stb_image: JPEG, PNG, BMP) and bilinear resizing for the
// sample loader. Internal to lib/dataset.
#include <cstdint>
#include <string>
#include <vector>

namespace rknnc::dataset {

// Larger images are refused before any pixel memory is allocated.
constexpr int kMaxImageSide = 16384;
constexpr int64_t kMaxImagePixels = int64_t{1} << 26;  // 8192×8192

struct Image {
  int width = 0, height = 0, channels = 0;
  std::vector<uint8_t> pixels;  // HWC, row-major
};

// Decodes `bytes` to `channels` (1 grey, 3 RGB, 4 RGBA; stb converts). On
// failure returns false and sets *reason (stb's reason, or the size limit).
bool decode_image(const std::string& bytes, int channels, Image* out, std::string* reason);

// Bilinear resize with half-pixel centres (as OpenCV's INTER_LINEAR), each
// value rounded to the nearest integer so the result is still an 8-bit image.
Image resize_bilinear(const Image& in, int width, int height);

}  // namespace rknnc::dataset
