// Quantised Mul: y = sat(zy + requant((a - za)(b - zb), sa·sb/sy)); numpy
// broadcasting (SiLU's x·Sigmoid(x), attention-style gating, per-channel
// scales such as a BatchNormalization that no Conv absorbed).
#include "runtime/cpu_features.h"
#include "runtime/kernels/helpers/elementwise.h"
#include "runtime/kernels/helpers/q8_lanes_avx512.h"
#include "runtime/kernels/helpers/requant.h"
#include "util/avx512_diagnostics.h"

namespace rknnc::runtime::kernels {
namespace {

#if defined(__x86_64__)
RKNNC_AVX512_DIAGNOSTICS_BEGIN
// One operand broadcast: (x - zx)·k in 64-bit lanes, k = (y - zy')·mantissa
// (|x - zx| < 2^9, |k| < 2^40: exact), then the scalar path's rounding and
// saturation. Returns how many of the n it did.
RKNNC_TARGET_Q8_LANES int64_t mul_constant_avx512(const int8_t* x, int8_t* y, int64_t n, int32_t zx, int64_t k,
                                                  const Q8Lanes& lanes) {
  const __m512i vk = _mm512_set1_epi64(k);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) store_q8_lanes(lanes, _mm512_mullo_epi64(load_q8_lanes(x + i, zx), vk), y + i);
  return i;
}
RKNNC_AVX512_DIAGNOSTICS_END
#endif

struct MulQ8 {
  int32_t za, zb, zy;
  int64_t mantissa;  // m.apply with the branch-free rounding (same results; signs are data dependent)
  int shift;
  bool wide;  // AVX-512: the vector loop for a broadcast operand
  int8_t operator()(int8_t a, int8_t b) const {
    return saturate_int8(zy + FixedMultiplier::round_shift_branchless(int64_t{(a - za) * (b - zb)} * mantissa, shift));
  }
  int64_t broadcast_row(int8_t* o, const int8_t* x, int8_t y, int64_t n, bool swapped) const {
#if defined(__x86_64__)
    if (wide) {
      const Q8Lanes lanes{shift, zy, -128, 127};
      return swapped ? mul_constant_avx512(x, o, n, zb, (y - za) * mantissa, lanes)
                     : mul_constant_avx512(x, o, n, za, (y - zb) * mantissa, lanes);
    }
#endif
    (void)o, (void)x, (void)y, (void)n, (void)swapped;
    return 0;
  }
};

void mul_q8(KernelContext& ctx) {
  const FixedMultiplier m = FixedMultiplier::from_real(static_cast<double>(ctx.qin(0).scale_at(0)) *
                                                       ctx.qin(1).scale_at(0) / ctx.qout(0).scale_at(0));
  binary<int8_t>(ctx, MulQ8{tensor_zero_point(ctx, 0), tensor_zero_point(ctx, 1), ctx.qout(0).zero_point_at(0),
                            m.mantissa, m.shift, cpu_features().avx512 && m.mantissa < (int64_t{1} << 31)});
}

RKNNC_QUANT_KERNEL("Mul", mul_q8);

}  // namespace
}  // namespace rknnc::runtime::kernels
