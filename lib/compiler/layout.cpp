#include "compiler/layout.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "ir/shape.h"
#include "util/byte_transpose.h"
#include "util/error.h"

namespace rknnc::compiler {
namespace {

// [outer, C, inner] ↔ [outer, C1, inner, C2], one loop per element size and
// direction: the inner loop walks one channel's plane with stride C2 on the
// blocked side. Elements are copied with memcpy: a decrypted section, or a
// section at an odd file offset, need not be aligned for T.
template <size_t kSize>
void copy_blocked_t(const std::byte* src, std::byte* dst, int64_t outer, int64_t channels, int64_t inner, int64_t c2,
                    bool to_blocked) {
  // Tiles of kTile pixels: the c2 channels of a block are read (or written)
  // a tile at a time, so both sides of the copy stay in L1 instead of
  // striding through the whole image once per channel.
  constexpr int64_t kTile = 256;
  const int64_t c1 = ceil_div(channels, c2);
  const auto at = [](int64_t index) { return static_cast<size_t>(index) * kSize; };
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t b = 0; b < c1; ++b) {
      const int64_t c_end = std::min(channels, (b + 1) * c2);
      const int64_t block = (o * c1 + b) * inner * c2;
      for (int64_t i0 = 0; i0 < inner; i0 += kTile) {
        const int64_t i1 = std::min(inner, i0 + kTile);
        for (int64_t c = b * c2; c < c_end; ++c) {
          const int64_t dense = (o * channels + c) * inner, blocked = block + c % c2;
          if (to_blocked)
            for (int64_t i = i0; i < i1; ++i) std::memcpy(dst + at(blocked + i * c2), src + at(dense + i), kSize);
          else
            for (int64_t i = i0; i < i1; ++i) std::memcpy(dst + at(dense + i), src + at(blocked + i * c2), kSize);
        }
      }
    }
}

#if defined(__SSE2__)
// A 16 x 16 byte block from rows `src_stride` apart to rows `dst_stride` apart, transposed.
void transpose16(const std::byte* src, int64_t src_stride, std::byte* dst, int64_t dst_stride) {
  __m128i r[16];
  for (int i = 0; i < 16; ++i) r[i] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i * src_stride));
  transpose_bytes16(r);
  for (int i = 0; i < 16; ++i) _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i * dst_stride), r[i]);
}

// int8 with C2 = 16 (the common NPU case): whole blocks of 16 channels x 16
// pixels are transposed in registers; the rest goes through copy_blocked_t.
void copy_blocked_bytes16(const std::byte* src, std::byte* dst, int64_t outer, int64_t channels, int64_t inner,
                          bool to_blocked) {
  const int64_t full = channels / 16, c1 = ceil_div(channels, 16), whole = inner / 16 * 16;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t b = 0; b < full; ++b) {
      const int64_t planes = (o * channels + b * 16) * inner, block = (o * c1 + b) * inner * 16;
      for (int64_t i = 0; i < whole; i += 16) {
        if (to_blocked)
          transpose16(src + planes + i, inner, dst + block + i * 16, 16);
        else
          transpose16(src + block + i * 16, 16, dst + planes + i, inner);
      }
    }
  if (whole == inner && full == c1) return;
  // Pixel tails of the whole blocks and the last partial block.
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t c = 0; c < channels; ++c) {
      const int64_t from = c < full * 16 ? whole : 0;
      const int64_t dense = (o * channels + c) * inner, blocked = (o * c1 + c / 16) * inner * 16 + c % 16;
      for (int64_t i = from; i < inner; ++i) {
        if (to_blocked)
          dst[blocked + i * 16] = src[dense + i];
        else
          dst[dense + i] = src[blocked + i * 16];
      }
    }
}
#endif

template <size_t kSize>
void copy_as(const void* src, void* dst, int64_t outer, int64_t channels, int64_t inner, int c2, bool to_blocked) {
  copy_blocked_t<kSize>(static_cast<const std::byte*>(src), static_cast<std::byte*>(dst), outer, channels, inner, c2,
                        to_blocked);
}

void copy_blocked(const void* src, void* dst, int64_t outer, int64_t channels, int64_t inner, int c2, size_t es,
                  bool to_blocked) {
#if defined(__SSE2__)
  if (es == 1 && c2 == 16)
    return copy_blocked_bytes16(static_cast<const std::byte*>(src), static_cast<std::byte*>(dst), outer, channels,
                                inner, to_blocked);
#endif
  switch (es) {
    case 1: return copy_as<1>(src, dst, outer, channels, inner, c2, to_blocked);
    case 2: return copy_as<2>(src, dst, outer, channels, inner, c2, to_blocked);
    case 4: return copy_as<4>(src, dst, outer, channels, inner, c2, to_blocked);
    case 8: return copy_as<8>(src, dst, outer, channels, inner, c2, to_blocked);
    default: break;
  }
  fail("NC1HWC2: element size {} is not supported (1, 2, 4 or 8 bytes)", es);
}

// Saturates at INT64_MAX (shape_numel): the shape and C2 may come from a damaged .rknn.
int64_t blocked_bytes(int64_t outer, int64_t channels, int64_t inner, int c2, size_t es) {
  return ir::shape_numel({outer, ceil_div(channels, c2), inner, c2, static_cast<int64_t>(es)});
}

}  // namespace

int64_t nc1hwc2_bytes(const std::vector<int64_t>& s, int c2, size_t es) {
  return blocked_bytes(s[0], s[1], s[2] * s[3], c2, es);
}

void pack_nc1hwc2(const void* src, void* dst, const std::vector<int64_t>& s, int c2, size_t es) {
  // Only the last channel block of each image has lanes no channel fills: zero those blocks, not the whole buffer.
  const int64_t c1 = ceil_div(s[1], c2), block = s[2] * s[3] * c2 * static_cast<int64_t>(es);
  if (s[1] % c2 != 0)
    for (int64_t n = 0; n < s[0]; ++n)
      std::memset(static_cast<std::byte*>(dst) + (n * c1 + c1 - 1) * block, 0, static_cast<size_t>(block));
  copy_blocked(src, dst, s[0], s[1], s[2] * s[3], c2, es, true);
}

void unpack_nc1hwc2(const void* src, void* dst, const std::vector<int64_t>& s, int c2, size_t es) {
  copy_blocked(src, dst, s[0], s[1], s[2] * s[3], c2, es, false);
}

// [O, I, KH, KW] is [O, I, KH·KW] blocked on I: the same walk as a feature map.
int64_t packed_weight_bytes(const std::vector<int64_t>& s, int c2, size_t es) { return nc1hwc2_bytes(s, c2, es); }
void pack_weights(const void* src, void* dst, const std::vector<int64_t>& s, int c2, size_t es) {
  pack_nc1hwc2(src, dst, s, c2, es);
}
void unpack_weights(const void* src, void* dst, const std::vector<int64_t>& s, int c2, size_t es) {
  unpack_nc1hwc2(src, dst, s, c2, es);
}

int64_t layout_bytes(const std::string& layout, const std::vector<int64_t>& shape, int c2, size_t es) {
  if (layout == kNc1hwc2) return nc1hwc2_bytes(shape, c2, es);
  int64_t n = static_cast<int64_t>(es);
  for (int64_t d : shape) n *= d;
  return n;
}

}  // namespace rknnc::compiler
