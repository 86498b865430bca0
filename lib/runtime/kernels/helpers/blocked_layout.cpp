#include "runtime/kernels/helpers/blocked_layout.h"

#include <algorithm>

#include "runtime/kernels/helpers/blocked_conv.h"
#include "runtime/kernels/helpers/depthwise_f32.h"

namespace rknnc::runtime::kernels {
namespace {

void from_blocks_generic(const float* src, int64_t ch, int64_t size, int64_t plane, float* dst) {
  for (int64_t p = 0; p < size; ++p)
    for (int64_t l = 0; l < ch; ++l) dst[l * plane + p] = src[p * kChannelBlock + l];
}

void to_blocks_generic(const float* src, int64_t ch, int64_t size, int64_t plane, float* dst) {
  for (int64_t p = 0; p < size; ++p)
    for (int64_t l = 0; l < kChannelBlock; ++l) dst[p * kChannelBlock + l] = l < ch ? src[l * plane + p] : 0.0f;
}

PixelMajorFn from_blocks(Isa isa) { return isa == Isa::Avx512 ? from_pixel_major_avx512 : from_blocks_generic; }
PixelMajorFn to_blocks(Isa isa) { return isa == Isa::Avx512 ? to_pixel_major_avx512 : to_blocks_generic; }

// Pixels a task moves of one block: about 64 KB of each layout.
constexpr int64_t kTaskPixels = 1024;

// Each block's plane in parts of kTaskPixels, one task each:
// move(block, first pixel, pixels).
template <typename Move>
void by_parts(int64_t channels, int64_t plane, ThreadPool& pool, Move&& move) {
  const int64_t blocks = channel_blocks(channels), parts = (plane + kTaskPixels - 1) / kTaskPixels;
  pool.parallel_for(blocks * parts, kTaskPixels * kChannelBlock, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      const int64_t cb = i / parts, p0 = i % parts * kTaskPixels;
      move(cb, p0, std::min(kTaskPixels, plane - p0));
    }
  });
}

}  // namespace

void plain_to_blocked(const float* x, int64_t channels, int64_t plane, float* y, ThreadPool& pool, Isa isa) {
  const PixelMajorFn to = to_blocks(isa);
  by_parts(channels, plane, pool, [&](int64_t cb, int64_t p0, int64_t n) {
    const int64_t c0 = cb * kChannelBlock;
    to(x + c0 * plane + p0, std::min(kChannelBlock, channels - c0), n, plane, y + (cb * plane + p0) * kChannelBlock);
  });
}

void blocked_to_plain(const float* x, int64_t channels, int64_t plane, float* y, ThreadPool& pool, Isa isa) {
  const PixelMajorFn from = from_blocks(isa);
  by_parts(channels, plane, pool, [&](int64_t cb, int64_t p0, int64_t n) {
    const int64_t c0 = cb * kChannelBlock;
    from(x + (cb * plane + p0) * kChannelBlock, std::min(kChannelBlock, channels - c0), n, plane, y + c0 * plane + p0);
  });
}

}  // namespace rknnc::runtime::kernels
