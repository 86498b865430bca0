#include "runtime/kernels/helpers/requant.h"

#include <cmath>

#include "runtime/kernels/helpers/byte_lookup.h"

namespace rknnc::runtime::kernels {

FixedMultiplier FixedMultiplier::from_real(double m) {
  if (!(m > 0) || !std::isfinite(m)) return {};
  int exponent = 0;
  const double fraction = std::frexp(m, &exponent);  // m = fraction · 2^exponent, fraction in [0.5, 1)
  int64_t mantissa = std::llround(std::ldexp(fraction, 31));
  if (mantissa == (int64_t{1} << 31)) {
    mantissa >>= 1;
    ++exponent;
  }
  int shift = 31 - exponent;
  if (shift < 0) return {(int64_t{1} << 31) - 1, 0};  // m >= 2^31: never for real scales; saturate
  if (shift > 62) return {};  // below 2^-31: every |acc| < 2^31 rounds to 0
  return {mantissa, shift};
}

SharedMultipliers SharedMultipliers::from_real(const std::vector<double>& m) {
  SharedMultipliers out;
  double largest = 0;
  for (double v : m) largest = std::max(largest, std::abs(v));
  int exponent = 0;
  if (largest > 0) std::frexp(largest, &exponent);
  out.shift = std::clamp(30 - exponent, 0, 62);
  for (double v : m) out.mantissa.push_back(std::llround(std::ldexp(v, out.shift)));
  return out;
}

namespace {

int32_t quantize_bound(float value, const ir::QuantParams& q) {
  return ir::quantize_real(value, q.scale_at(0), q.zero_point_at(0));
}

}  // namespace

OutputClamp output_clamp(const KernelContext& ctx) {
  OutputClamp c;
  const auto& attrs = ctx.attrs();
  if (!attrs.has("activation")) return c;
  const std::string act = attrs.get_string("activation", "");
  const ir::QuantParams& q = ctx.qout(0);
  if (act == "Relu") {
    c.lo = std::max(c.lo, q.zero_point_at(0));
  } else if (act == "Clip") {
    if (attrs.has("activation_min")) c.lo = std::max(c.lo, quantize_bound(attrs.get_float("activation_min", 0.f), q));
    if (attrs.has("activation_max")) c.hi = std::min(c.hi, quantize_bound(attrs.get_float("activation_max", 0.f), q));
  } else {
    ctx.fail("fused activation {} cannot run on int8 (the quantiser unfuses it)", act);
  }
  return c;
}

std::vector<FixedMultiplier> channel_multipliers(const KernelContext& ctx, size_t in, size_t weight,
                                                 int64_t channels) {
  const ir::QuantParams& qx = ctx.qin(in);
  const ir::QuantParams& qw = ctx.qin(weight);
  const ir::QuantParams& qy = ctx.qout(0);
  if (qw.scale.size() != 1 && static_cast<int64_t>(qw.scale.size()) != channels)
    ctx.fail("weight has {} scales for {} output channels", qw.scale.size(), channels);
  for (int32_t z : qw.zero_point)
    if (z != 0) ctx.fail("int8 weights must be symmetric (zero point 0), got {}", z);
  std::vector<FixedMultiplier> m;
  for (int64_t c = 0; c < channels; ++c)
    m.push_back(FixedMultiplier::from_real(static_cast<double>(qx.scale_at(0)) * qw.scale_at(c) / qy.scale_at(0)));
  return m;
}

int32_t tensor_zero_point(const KernelContext& ctx, size_t in) {
  const ir::QuantParams& q = ctx.qin(in);
  if (q.per_channel()) ctx.fail("input {} must be quantised per tensor", in);
  return q.zero_point_at(0);
}

void lookup_bytes(ThreadPool& pool, const int8_t* table, const int8_t* x, int8_t* y, int64_t n) {
  pool.parallel_for(n, 1, [&](int64_t b, int64_t e) { lookup_byte_row(table, x + b, y + b, e - b); });
}

}  // namespace rknnc::runtime::kernels
