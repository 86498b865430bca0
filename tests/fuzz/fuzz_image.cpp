// Image decoders (libjpeg-turbo for JPEG, stb_image for PNG/BMP) and the
// bilinear resize the sample loader applies. The first byte picks the channel
// count (1, 3, 4) and the resize target; the rest is the image file.
#include "dataset/image_decode.h"
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const int channels[] = {1, 3, 4};
  const int pick = data[0];
  return rknnc::fuzz::reject_errors([&] {
    rknnc::dataset::Image image;
    std::string reason;
    if (!rknnc::dataset::decode_image(rknnc::fuzz::as_string(data + 1, size - 1), channels[pick % 3], &image, &reason))
      return;
    const int side = 1 + (pick >> 2);  // 1..64
    rknnc::dataset::resize_bilinear(image, side, 1 + (side * 7) % 64);
  });
}
