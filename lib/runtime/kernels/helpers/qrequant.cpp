#include "runtime/kernels/helpers/qrequant.h"

#include <cstdlib>

#include "runtime/kernels/helpers/quant_tensor.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace rknnc::runtime::kernels {
namespace {

bool is_narrow(const ChannelRequant& c, int64_t max_abs_sum) {
  const int64_t bound = std::abs(int64_t{c.bias}) + max_abs_sum;
  if (bound > INT32_MAX) return false;
  return FixedMultiplier::round_shift(bound * c.mult.mantissa, c.mult.shift) < (int64_t{1} << 30);
}

int8_t requant_one(const RequantPlan& plan, const ChannelRequant& c, int32_t acc) {
  return plan.clamp(plan.zy + c.mult.apply(int64_t{acc} + c.bias));
}

#if defined(__SSE2__)
// The constants of one narrow channel in SSE2 registers.
struct Requant4 {
  __m128i bias, mantissa, half, shift;
  explicit Requant4(const ChannelRequant& c)
      : bias(_mm_set1_epi32(c.bias)),
        mantissa(_mm_set1_epi32(static_cast<int32_t>(c.mult.mantissa))),
        half(_mm_set1_epi64x(c.mult.shift ? int64_t{1} << (c.mult.shift - 1) : 0)),
        shift(_mm_cvtsi32_si128(c.mult.shift)) {}

  // round_half_away((acc + bias) · mantissa / 2^shift) on sign and magnitude:
  // pmuludq gives the exact 64-bit products of the magnitudes (lanes 0, 2 and
  // 1, 3), and narrow channels keep every result below 2^30.
  __m128i apply(__m128i acc) const {
    const __m128i v = _mm_add_epi32(acc, bias);
    const __m128i sign = _mm_srai_epi32(v, 31);
    const __m128i mag = _mm_sub_epi32(_mm_xor_si128(v, sign), sign);
    const __m128i even = _mm_srl_epi64(_mm_add_epi64(_mm_mul_epu32(mag, mantissa), half), shift);
    const __m128i odd = _mm_srl_epi64(_mm_add_epi64(_mm_mul_epu32(_mm_srli_epi64(mag, 32), mantissa), half), shift);
    const __m128i r = _mm_or_si128(even, _mm_slli_epi64(odd, 32));
    return _mm_sub_epi32(_mm_xor_si128(r, sign), sign);
  }
};

// Eight outputs: zy + r, saturated through int16 (anything beyond int16 is
// beyond the int8 clamp as well), clamped, narrowed to int8.
void requant8(const RequantPlan& plan, const Requant4& r, const int32_t* acc, int8_t* y) {
  const __m128i zy = _mm_set1_epi32(plan.zy);
  const __m128i lo = _mm_add_epi32(zy, r.apply(_mm_loadu_si128(reinterpret_cast<const __m128i*>(acc))));
  const __m128i hi = _mm_add_epi32(zy, r.apply(_mm_loadu_si128(reinterpret_cast<const __m128i*>(acc + 4))));
  __m128i v = _mm_packs_epi32(lo, hi);
  v = _mm_max_epi16(v, _mm_set1_epi16(static_cast<int16_t>(plan.clamp.lo)));
  v = _mm_min_epi16(v, _mm_set1_epi16(static_cast<int16_t>(plan.clamp.hi)));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(y), _mm_packs_epi16(v, v));
}
#endif

}  // namespace

RequantPlan requant_plan(const KernelContext& ctx, const int8_t* w, int64_t m, int64_t k_len) {
  const int32_t zx = tensor_zero_point(ctx, 0);
  const int64_t max_abs_x = std::max(127 - zx, zx + 128);
  const std::vector<int32_t> bias = int32_values(ctx.opt(2), m);
  const std::vector<FixedMultiplier> mult = channel_multipliers(ctx, 0, 1, m);
  RequantPlan plan;
  plan.zy = ctx.qout(0).zero_point_at(0);
  plan.clamp = output_clamp(ctx);
  plan.channel.resize(static_cast<size_t>(m));
  for (int64_t c = 0; c < m; ++c) {
    int64_t abs_w = 0;
    for (int64_t k = 0; k < k_len; ++k) abs_w += std::abs(int32_t{w[c * k_len + k]});
    ChannelRequant& r = plan.channel[c];
    r.bias = bias[c];
    r.mult = mult[c];
    r.narrow = is_narrow(r, max_abs_x * abs_w);
  }
  return plan;
}

void requant_row(const RequantPlan& plan, int64_t c, const int32_t* acc, int64_t n, int8_t* y) {
  const ChannelRequant& ch = plan.channel[c];
  int64_t i = 0;
#if defined(__SSE2__)
  if (ch.narrow) {
    const Requant4 r(ch);
    for (; i + 8 <= n; i += 8) requant8(plan, r, acc + i, y + i);
  }
#endif
  for (; i < n; ++i) y[i] = requant_one(plan, ch, acc[i]);
}

}  // namespace rknnc::runtime::kernels
