// The vector loops of calibration statistics (quant/stats_scan.h) against
// their scalar definition, on every instruction set this CPU has: finite
// min / max with NaN, ±inf, zeros of both signs (a zero extreme keeps the
// sign of the first zero), lengths around the vector widths; histogram
// counts on random grids, zeros and non-finite values left out.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "quant/stats_scan.h"

using namespace rknnc;

namespace {

std::vector<runtime::Isa> vector_isas() {
  std::vector<runtime::Isa> out;
  const runtime::Isa best = runtime::cpu_features().best();
  if (best == runtime::Isa::Avx2 || best == runtime::Isa::Avx512) out.push_back(runtime::Isa::Avx2);
  if (best == runtime::Isa::Avx512) out.push_back(runtime::Isa::Avx512);
  return out;
}

bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof(float)) == 0; }

// Random values with a share of specials: ±0, NaN, ±inf; `sign` > 0 keeps
// the ordinary values positive (so zero is the minimum), < 0 negative.
std::vector<float> random_values(std::mt19937& rng, int64_t n, double specials, int sign) {
  std::uniform_real_distribution<float> value(-5.f, 5.f);
  std::uniform_int_distribution<int> kind(0, 4);
  std::bernoulli_distribution special(specials);
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  const float pick[] = {0.0f, -0.0f, nan, inf, -inf};
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) {
    x = special(rng) ? pick[kind(rng)] : value(rng);
    if (sign != 0 && std::isfinite(x) && x != 0.0f) x = sign > 0 ? std::abs(x) : -std::abs(x);
  }
  return v;
}

}  // namespace

TEST_CASE("vector finite min / max equal the running std::min / std::max, sign of zero included") {
  std::mt19937 rng(31);
  if (vector_isas().empty()) WARN("this CPU has no AVX2: only the scalar loop runs");
  for (int i = 0; i < 400; ++i) {
    const int64_t n = std::uniform_int_distribution<int64_t>(0, 90)(rng);
    const int sign = i % 3 - 1;
    const double specials = i % 4 == 0 ? 1.0 : 0.3;  // some runs of specials only
    const std::vector<float> v = random_values(rng, n, specials, sign);
    const quant::FiniteRange want = quant::finite_range(v.data(), n, runtime::Isa::Generic);
    for (runtime::Isa isa : vector_isas()) {
      CAPTURE(i, n, runtime::isa_name(isa));
      const quant::FiniteRange got = quant::finite_range(v.data(), n, isa);
      REQUIRE(got.seen == want.seen);
      CHECK(got.infinity == want.infinity);
      if (!want.seen) continue;
      CHECK(same_bits(got.min, want.min));
      CHECK(same_bits(got.max, want.max));
    }
  }
}

TEST_CASE("a zero extreme takes the sign of the first zero") {
  for (runtime::Isa isa : vector_isas()) {
    std::vector<float> v(40, 1.0f);
    v[3] = -0.0f, v[20] = 0.0f, v[37] = 0.0f;
    CHECK(std::signbit(quant::finite_range(v.data(), 40, isa).min));
    v[3] = 0.0f, v[20] = -0.0f;
    CHECK(!std::signbit(quant::finite_range(v.data(), 40, isa).min));
    for (float& x : v) x = -x;  // zeros flip too: now the first zero is -0
    CHECK(std::signbit(quant::finite_range(v.data(), 40, isa).max));
  }
}

TEST_CASE("vector histogram counts equal the scalar counts") {
  std::mt19937 rng(32);
  for (int i = 0; i < 200; ++i) {
    const int64_t n = std::uniform_int_distribution<int64_t>(0, 300)(rng);
    const std::vector<float> v = random_values(rng, n, 0.2, 0);
    const size_t bins = static_cast<size_t>(std::uniform_int_distribution<int>(1, 64)(rng));
    const double inv = std::ldexp(1.0, std::uniform_int_distribution<int>(-2, 5)(rng));
    const int64_t first = std::uniform_int_distribution<int64_t>(-80, 10)(rng);  // values outside clamp to the ends
    std::vector<uint64_t> want(bins, 0);
    quant::count_bins(v.data(), n, inv, first, want, runtime::Isa::Generic);
    for (runtime::Isa isa : vector_isas()) {
      CAPTURE(i, n, bins, inv, first, runtime::isa_name(isa));
      std::vector<uint64_t> got(bins, 0);
      quant::count_bins(v.data(), n, inv, first, got, isa);
      CHECK(got == want);
    }
  }
}

// The AVX-512 loop queues the countable values' bins and counts them in
// batches on per-thread counters that must be zero again after every call:
// long runs of one bin, grids up to kMaxBins wide, counts added to earlier
// ones, calls of different sizes one after another on the same thread.
TEST_CASE("vector histogram counts add to the bins' earlier counts, call after call") {
  std::mt19937 rng(33);
  for (int i = 0; i < 60; ++i) {
    const int64_t n = std::uniform_int_distribution<int64_t>(0, 5000)(rng);
    std::vector<float> v = random_values(rng, n, 0.3, i % 3 - 1);
    const int64_t run = std::uniform_int_distribution<int64_t>(0, n)(rng);
    std::fill(v.begin(), v.begin() + run, 0.75f);  // a run in one bin
    const size_t bins = static_cast<size_t>(std::uniform_int_distribution<int>(1, 4096)(rng));
    const double inv = std::ldexp(1.0, std::uniform_int_distribution<int>(-2, 9)(rng));
    const int64_t first = std::uniform_int_distribution<int64_t>(-2600, 10)(rng);
    std::vector<uint64_t> earlier(bins);
    for (uint64_t& c : earlier) c = std::uniform_int_distribution<uint64_t>(0, 1000)(rng);
    std::vector<uint64_t> want = earlier;
    quant::count_bins(v.data(), n, inv, first, want, runtime::Isa::Generic);
    for (runtime::Isa isa : vector_isas()) {
      CAPTURE(i, n, bins, inv, first, runtime::isa_name(isa));
      std::vector<uint64_t> got = earlier;
      quant::count_bins(v.data(), n, inv, first, got, isa);
      CHECK(got == want);
    }
  }
}
