// lib/compiler's layout arithmetic: NC1HWC2 and weight packing, the interval
// packer of the memory plan, and the core split shares.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "compiler/layout.h"
#include "compiler/memory_plan.h"
#include "compiler/multicore.h"

namespace rknnc {
namespace {

std::vector<int8_t> iota_bytes(int64_t n) {
  std::vector<int8_t> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) v[static_cast<size_t>(i)] = static_cast<int8_t>(i % 127 + 1);
  return v;
}

}  // namespace

TEST_CASE("NC1HWC2 puts (n, c, h, w) where 004 §5.1 says and pads the last block with zeros", "[compiler]") {
  const std::vector<int64_t> s{2, 5, 3, 2};
  const int c2 = 4;
  const auto src = iota_bytes(2 * 5 * 3 * 2);
  std::vector<int8_t> packed(static_cast<size_t>(compiler::nc1hwc2_bytes(s, c2, 1)), 99);
  CHECK(packed.size() == 2 * 2 * 3 * 2 * 4);
  compiler::pack_nc1hwc2(src.data(), packed.data(), s, c2, 1);
  for (int64_t n = 0; n < 2; ++n)
    for (int64_t c = 0; c < 8; ++c)
      for (int64_t h = 0; h < 3; ++h)
        for (int64_t w = 0; w < 2; ++w) {
          const auto at = static_cast<size_t>(((n * 2 + c / c2) * 3 * 2 + h * 2 + w) * c2 + c % c2);
          const int8_t want = c < 5 ? src[static_cast<size_t>(((n * 5 + c) * 3 + h) * 2 + w)] : 0;
          CHECK(packed[at] == want);
        }
  std::vector<int8_t> back(src.size());
  compiler::unpack_nc1hwc2(packed.data(), back.data(), s, c2, 1);
  CHECK(back == src);
}

TEST_CASE("packed Conv weights (OI1HWI2) round-trip for every C2 and element size", "[compiler]") {
  for (int c2 : {4, 8, 16})
    for (size_t es : {size_t{1}, size_t{2}}) {
      const std::vector<int64_t> oihw{6, 11, 3, 3};
      const auto src = iota_bytes(6 * 11 * 9 * static_cast<int64_t>(es));
      std::vector<int8_t> packed(static_cast<size_t>(compiler::packed_weight_bytes(oihw, c2, es)));
      compiler::pack_weights(src.data(), packed.data(), oihw, c2, es);
      std::vector<int8_t> back(src.size());
      compiler::unpack_weights(packed.data(), back.data(), oihw, c2, es);
      CHECK(back == src);
    }
}

// Found by fuzz_rknn: a decrypted constants section put float16 weights at an
// odd address, and the typed copy was a misaligned load (UBSan).
TEST_CASE("packed weights unpack from and pack to addresses not aligned for their element size", "[compiler]") {
  for (size_t es : {size_t{2}, size_t{4}, size_t{8}}) {
    const std::vector<int64_t> oihw{5, 7, 3, 3};
    const auto src = iota_bytes(5 * 7 * 9 * static_cast<int64_t>(es));
    std::vector<int8_t> packed(static_cast<size_t>(compiler::packed_weight_bytes(oihw, 8, es)) + 1);
    std::vector<int8_t> odd_src(src.size() + 1);
    std::copy(src.begin(), src.end(), odd_src.begin() + 1);
    compiler::pack_weights(odd_src.data() + 1, packed.data() + 1, oihw, 8, es);
    std::vector<int8_t> back(src.size() + 1);
    compiler::unpack_weights(packed.data() + 1, back.data() + 1, oihw, 8, es);
    CHECK(std::equal(src.begin(), src.end(), back.begin() + 1));
  }
}

TEST_CASE("the interval packer never lets two live buffers share bytes", "[compiler]") {
  std::mt19937 rng(7);
  for (int round = 0; round < 50; ++round) {
    std::vector<compiler::Interval> items;
    int64_t naive = 0;
    for (int i = 0; i < 40; ++i) {
      const int first = static_cast<int>(rng() % 30);
      const int64_t bytes = 1 + static_cast<int64_t>(rng() % 5000);
      items.push_back({bytes, first, first + static_cast<int>(rng() % 8), -1});
      naive += (bytes + 63) / 64 * 64;
    }
    const int64_t extent = compiler::pack_intervals(items);
    CHECK(extent <= naive);
    for (size_t a = 0; a < items.size(); ++a) {
      CHECK(items[a].offset % compiler::kArenaAlign == 0);
      CHECK(items[a].offset + items[a].bytes <= extent);
      for (size_t b = a + 1; b < items.size(); ++b) {
        const bool live_together = items[a].first <= items[b].last && items[b].first <= items[a].last;
        const bool share = items[a].offset < items[b].offset + items[b].bytes &&
                           items[b].offset < items[a].offset + items[a].bytes;
        CHECK_FALSE((live_together && share));
      }
    }
  }
  std::vector<compiler::Interval> two{{100, 0, 5, -1}, {100, 1, 2, -1}};
  CHECK(compiler::pack_intervals(two, 128) == 128);  // the second does not fit beside the first
  CHECK(two[1].offset == -1);
}

TEST_CASE("core split shares output blocks evenly and only when it pays", "[compiler]") {
  CHECK(compiler::split_shares(5, 3) == std::vector<double>{40.0, 40.0, 20.0});
  CHECK(compiler::split_shares(2, 3) == std::vector<double>{50.0, 50.0, 0.0});
  CHECK(compiler::decide_split(12, 3, 100.0, 5.0).largest_share == Approx(1.0 / 3.0));
  CHECK(compiler::decide_split(12, 3, 6.0, 5.0).workload == std::vector<double>{100.0, 0.0, 0.0});
  CHECK(compiler::decide_split(12, 1, 100.0, 5.0).workload == std::vector<double>{100.0});
}

TEST_CASE("NC1HWC2 int8 with C2 = 16 (the register-transpose path) equals the element-by-element layout", "[compiler]") {
  // Whole and partial channel blocks, pixel counts with and without a tail of 16.
  for (const std::vector<int64_t>& s : {std::vector<int64_t>{1, 32, 4, 8}, {2, 21, 3, 7}, {1, 16, 1, 16}, {1, 5, 5, 5}}) {
    const int64_t n = s[0] * s[1] * s[2] * s[3];
    const auto src = iota_bytes(n);
    std::vector<int8_t> packed(static_cast<size_t>(compiler::nc1hwc2_bytes(s, 16, 1)), 99);
    compiler::pack_nc1hwc2(src.data(), packed.data(), s, 16, 1);
    const int64_t c1 = (s[1] + 15) / 16, hw = s[2] * s[3];
    for (int64_t b = 0; b < s[0]; ++b)
      for (int64_t c = 0; c < c1 * 16; ++c)
        for (int64_t i = 0; i < hw; ++i) {
          const auto at = static_cast<size_t>(((b * c1 + c / 16) * hw + i) * 16 + c % 16);
          const int8_t want = c < s[1] ? src[static_cast<size_t>((b * s[1] + c) * hw + i)] : 0;
          REQUIRE(packed[at] == want);
        }
    std::vector<int8_t> back(src.size());
    compiler::unpack_nc1hwc2(packed.data(), back.data(), s, 16, 1);
    CHECK(back == src);
  }
}

}  // namespace rknnc
