#include "quant/stats_scan.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#if defined(__x86_64__)
#include <immintrin.h>
#include "util/avx512_diagnostics.h"
#endif

namespace rknnc::quant {
namespace {

FiniteRange range_scalar(const float* data, int64_t n) {
  FiniteRange r;
  for (int64_t i = 0; i < n; ++i) {
    const float v = data[i];
    if (!std::isfinite(v)) {  // never part of a range
      r.infinity = r.infinity || std::isinf(v);
      continue;
    }
    if (!r.seen) {
      r.min = r.max = v;
      r.seen = true;
    }
    r.min = std::min(r.min, v);
    r.max = std::max(r.max, v);
  }
  return r;
}

// a, then b: what the running min / max give over a's values and then b's.
FiniteRange then(FiniteRange a, const FiniteRange& b) {
  a.infinity = a.infinity || b.infinity;
  if (!b.seen) return a;
  if (!a.seen) return {true, a.infinity, b.min, b.max};
  a.min = std::min(a.min, b.min);
  a.max = std::max(a.max, b.max);
  return a;
}

// The vector loops reduce their lanes in another order than the values came
// in, which only matters for the sign of a zero extreme: the running min
// keeps the first of equal values, so a zero extreme is the first zero.
FiniteRange first_zero_sign(FiniteRange r, const float* data, int64_t n) {
  if (!r.seen || (r.min != 0.0f && r.max != 0.0f)) return r;
  const float* zero = std::find(data, data + n, 0.0f);  // == 0.0f: either sign
  if (r.min == 0.0f) r.min = *zero;
  if (r.max == 0.0f) r.max = *zero;
  return r;
}

void count_scalar(const float* data, int64_t n, double inv, int64_t first_bin, std::vector<uint64_t>& bins) {
  const int64_t last = static_cast<int64_t>(bins.size()) - 1;
  for (int64_t i = 0; i < n; ++i) {
    if (!std::isfinite(data[i]) || data[i] == 0.0f) continue;
    const int64_t b = static_cast<int64_t>(std::floor(data[i] * inv)) - first_bin;
    ++bins[static_cast<size_t>(std::clamp<int64_t>(b, 0, last))];
  }
}

#if defined(__x86_64__)
// The AVX-512 loop's counts. The bins of the countable values (finite,
// non-zero: post-Relu tensors are about half zeros) are packed into a queue
// without a branch, and counted a fixed number at a time: which lanes count
// is noise to a branch predictor. Each bin has four counters (a queue entry's
// counter: its position mod 4), so runs of one bin (a tensor's many small
// values) do not each wait on one counter's store-to-load latency. Integer
// sums: the order changes no count. The counters are per thread and zero
// between calls; only the bins a call touched are folded in and zeroed.
class QueuedCounts {
 public:
  static constexpr int64_t kBatch = 64;  // entries counted at a time

  explicit QueuedCounts(size_t bins) : counts_(storage(bins)) {}
  // room for kBatch + 16 more entries
  int32_t* tail() { return queue_ + queued_; }
  void queued(int64_t n) {
    queued_ += n;
    if (queued_ < kBatch) return;
    count(kBatch);
    std::copy(queue_ + kBatch, queue_ + queued_, queue_);
    queued_ -= kBatch;
  }
  // Counts what is queued into bins [lo, hi] and adds them to `bins`.
  void fold_into(std::vector<uint64_t>& bins, int64_t lo, int64_t hi) {
    count(queued_);
    queued_ = 0;
    for (int64_t b = lo; b <= hi; ++b) {
      uint32_t* c = counts_ + b * kWays;
      bins[static_cast<size_t>(b)] += uint64_t{c[0]} + c[1] + c[2] + c[3];
      std::fill(c, c + kWays, 0u);
    }
  }

 private:
  static constexpr int64_t kWays = 4;
  // uint32: one call counts one tensor (or part of one), under 2^32 values
  static uint32_t* storage(size_t bins) {
    thread_local std::vector<uint32_t> counts;
    if (counts.size() < bins * kWays) counts.resize(bins * kWays, 0);
    return counts.data();
  }
  void count(int64_t n) {
    for (int64_t i = 0; i < n; ++i) ++counts_[queue_[i] * kWays + (i & (kWays - 1))];
  }

  uint32_t* counts_;
  alignas(64) int32_t queue_[kBatch + 16];
  int64_t queued_ = 0;
};

RKNNC_AVX512_DIAGNOSTICS_BEGIN
// Sixteen lanes of running min / max over the finite values (masked), then
// one reduction.
__attribute__((target("avx512f"))) FiniteRange range_avx512(const float* data, int64_t n) {
  const __m512 inf = _mm512_set1_ps(INFINITY);
  __m512 lo = inf, hi = _mm512_set1_ps(-INFINITY);
  __mmask16 seen = 0, infinite = 0;
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512 v = _mm512_loadu_ps(data + i), a = _mm512_abs_ps(v);
    const __mmask16 finite = _mm512_cmp_ps_mask(a, inf, _CMP_LT_OQ);  // false for NaN
    infinite |= _mm512_cmp_ps_mask(a, inf, _CMP_EQ_OQ);
    seen |= finite;
    lo = _mm512_mask_min_ps(lo, finite, lo, v);
    hi = _mm512_mask_max_ps(hi, finite, hi, v);
  }
  FiniteRange r;
  r.seen = seen != 0, r.infinity = infinite != 0;
  if (r.seen) r.min = _mm512_reduce_min_ps(lo), r.max = _mm512_reduce_max_ps(hi);
  return then(first_zero_sign(r, data, i), range_scalar(data + i, n - i));
}

__attribute__((target("avx2"))) FiniteRange range_avx2(const float* data, int64_t n) {
  const __m256 inf = _mm256_set1_ps(INFINITY), magnitude = _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF));
  __m256 lo = inf, hi = _mm256_set1_ps(-INFINITY);
  int seen = 0, infinite = 0;
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_loadu_ps(data + i), a = _mm256_and_ps(v, magnitude);
    const __m256 finite = _mm256_cmp_ps(a, inf, _CMP_LT_OQ);
    infinite |= _mm256_movemask_ps(_mm256_cmp_ps(a, inf, _CMP_EQ_OQ));
    seen |= _mm256_movemask_ps(finite);
    lo = _mm256_min_ps(lo, _mm256_blendv_ps(lo, v, finite));
    hi = _mm256_max_ps(hi, _mm256_blendv_ps(hi, v, finite));
  }
  FiniteRange r;
  r.seen = seen != 0, r.infinity = infinite != 0;
  if (r.seen) {
    alignas(32) float l[8], h[8];
    _mm256_store_ps(l, lo);
    _mm256_store_ps(h, hi);
    r.min = *std::min_element(l, l + 8), r.max = *std::max_element(h, h + 8);
  }
  return then(first_zero_sign(r, data, i), range_scalar(data + i, n - i));
}

// Eight values a step: the bins of the finite non-zero ones in double lanes
// (the same product, floor and clamp as the scalar loop), then their counts.
__attribute__((target("avx512f,avx512dq,avx512vl"))) void count_avx512(const float* data, int64_t n, double inv,
                                                                      int64_t first_bin, std::vector<uint64_t>& bins) {
  const __m512d scale = _mm512_set1_pd(inv);
  const __m512i first = _mm512_set1_epi64(first_bin), zero = _mm512_setzero_si512(),
                last = _mm512_set1_epi64(static_cast<int64_t>(bins.size()) - 1);
  const __m256 inf = _mm256_set1_ps(INFINITY);
  __m512i lo = last, hi = zero;  // of the bins counted
  QueuedCounts counts(bins.size());
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_loadu_ps(data + i);
    const __mmask8 keep = _mm256_cmp_ps_mask(_mm256_and_ps(v, _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF))),
                                             inf, _CMP_LT_OQ) &
                          _mm256_cmp_ps_mask(v, _mm256_setzero_ps(), _CMP_NEQ_UQ);
    const __m512d bin = _mm512_roundscale_pd(_mm512_mul_pd(_mm512_cvtps_pd(v), scale),
                                             _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
    const __m512i b = _mm512_min_epi64(_mm512_max_epi64(_mm512_sub_epi64(_mm512_cvtpd_epi64(bin), first), zero), last);
    lo = _mm512_mask_min_epi64(lo, keep, lo, b);
    hi = _mm512_mask_max_epi64(hi, keep, hi, b);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(counts.tail()),
                        _mm256_maskz_compress_epi32(keep, _mm512_cvtepi64_epi32(b)));
    counts.queued(__builtin_popcount(keep));
  }
  counts.fold_into(bins, _mm512_reduce_min_epi64(lo), _mm512_reduce_max_epi64(hi));
  count_scalar(data + i, n - i, inv, first_bin, bins);
}
RKNNC_AVX512_DIAGNOSTICS_END

// Four values a step on AVX2 (no 64-bit integer conversion): the bin minus
// first_bin and its clamp in double, exact for these small integers, then
// converted to int32.
__attribute__((target("avx2"))) void count_avx2(const float* data, int64_t n, double inv, int64_t first_bin,
                                                std::vector<uint64_t>& bins) {
  const __m256d scale = _mm256_set1_pd(inv), first = _mm256_set1_pd(static_cast<double>(first_bin)),
                zero = _mm256_setzero_pd(), last = _mm256_set1_pd(static_cast<double>(bins.size() - 1));
  const __m128 inf = _mm_set1_ps(INFINITY), magnitude = _mm_castsi128_ps(_mm_set1_epi32(0x7FFFFFFF));
  alignas(16) int32_t index[4];
  uint64_t* counts = bins.data();
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const __m128 v = _mm_loadu_ps(data + i);
    const int keep = _mm_movemask_ps(_mm_and_ps(_mm_cmplt_ps(_mm_and_ps(v, magnitude), inf),
                                                _mm_cmpneq_ps(v, _mm_setzero_ps())));
    if (!keep) continue;
    const __m256d bin = _mm256_sub_pd(_mm256_floor_pd(_mm256_mul_pd(_mm256_cvtps_pd(v), scale)), first);
    const __m256d clamped = _mm256_min_pd(_mm256_max_pd(bin, zero), last);
    _mm_store_si128(reinterpret_cast<__m128i*>(index), _mm256_cvttpd_epi32(clamped));
    for (unsigned m = static_cast<unsigned>(keep); m; m &= m - 1) ++counts[index[__builtin_ctz(m)]];
  }
  count_scalar(data + i, n - i, inv, first_bin, bins);
}
#endif

}  // namespace

FiniteRange finite_range(const float* data, int64_t n, runtime::Isa isa) {
#if defined(__x86_64__)
  if (isa == runtime::Isa::Avx512) return range_avx512(data, n);
  if (isa == runtime::Isa::Avx2) return range_avx2(data, n);
#endif
  (void)isa;
  return range_scalar(data, n);
}

void count_bins(const float* data, int64_t n, double inv, int64_t first_bin, std::vector<uint64_t>& bins,
                runtime::Isa isa) {
#if defined(__x86_64__)
  if (isa == runtime::Isa::Avx512) return count_avx512(data, n, inv, first_bin, bins);
  if (isa == runtime::Isa::Avx2) return count_avx2(data, n, inv, first_bin, bins);
#endif
  (void)isa;
  count_scalar(data, n, inv, first_bin, bins);
}

}  // namespace rknnc::quant
