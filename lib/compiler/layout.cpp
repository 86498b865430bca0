#include "compiler/layout.h"

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "ir/shape.h"
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
  const int64_t c1 = ceil_div(channels, c2);
  const auto at = [](int64_t index) { return static_cast<size_t>(index) * kSize; };
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t c = 0; c < channels; ++c) {
      const int64_t dense = (o * channels + c) * inner;
      const int64_t blocked = (o * c1 + c / c2) * inner * c2 + c % c2;
      if (to_blocked)
        for (int64_t i = 0; i < inner; ++i) std::memcpy(dst + at(blocked + i * c2), src + at(dense + i), kSize);
      else
        for (int64_t i = 0; i < inner; ++i) std::memcpy(dst + at(dense + i), src + at(blocked + i * c2), kSize);
    }
}

template <size_t kSize>
void copy_as(const void* src, void* dst, int64_t outer, int64_t channels, int64_t inner, int c2, bool to_blocked) {
  copy_blocked_t<kSize>(static_cast<const std::byte*>(src), static_cast<std::byte*>(dst), outer, channels, inner, c2,
                        to_blocked);
}

void copy_blocked(const void* src, void* dst, int64_t outer, int64_t channels, int64_t inner, int c2, size_t es,
                  bool to_blocked) {
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
  std::memset(dst, 0, static_cast<size_t>(nc1hwc2_bytes(s, c2, es)));
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
