// lookup_byte_row (runtime/kernels/helpers/byte_lookup.h) against its
// definition, y[i] = table[x[i] + 128]: 64 bytes a step on AVX-512 VBMI (two
// vpermi2b and a blend on the top bit), a byte at a time for the rest and
// elsewhere; rows around the step and every byte value.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "runtime/kernels/helpers/byte_lookup.h"

using namespace rknnc;

namespace {

std::vector<int8_t> random_bytes(int64_t n, std::mt19937& rng) {
  std::uniform_int_distribution<int> any(-128, 127);
  std::vector<int8_t> v(static_cast<size_t>(n));
  for (auto& x : v) x = static_cast<int8_t>(any(rng));
  return v;
}

}  // namespace

TEST_CASE("byte table lookups give the table's entry for every byte and row length") {
  std::mt19937 rng(21);
  const std::vector<int8_t> table = random_bytes(256, rng);
  for (int64_t n : {0, 1, 63, 64, 65, 127, 128, 200, 256, 1000}) {
    std::vector<int8_t> x = random_bytes(n, rng), y(static_cast<size_t>(n), 0);
    for (int64_t i = 0; i < std::min<int64_t>(n, 256); ++i) x[static_cast<size_t>(i)] = static_cast<int8_t>(i - 128);
    runtime::kernels::lookup_byte_row(table.data(), x.data(), y.data(), n);
    for (int64_t i = 0; i < n; ++i) {
      CAPTURE(n, i);
      REQUIRE(y[static_cast<size_t>(i)] == table[static_cast<size_t>(x[static_cast<size_t>(i)] + 128)]);
    }
  }
}
