// Quantised Add and Sub: y = clamp(zy + round((a - za)·sa/sy ± (b - zb)·sb/sy)),
// both terms on one shared fixed-point shift so the sum is rounded once (Sub:
// the second mantissa negated); numpy broadcasting; a fused Relu / Clip
// narrows the clamp.
#include <array>
#include <cstdlib>

#include "runtime/cpu_features.h"
#include "runtime/kernels/helpers/elementwise.h"
#include "runtime/kernels/helpers/requant.h"

#include "runtime/kernels/helpers/q8_lanes_avx512.h"
#include "util/avx512_diagnostics.h"

namespace rknnc::runtime::kernels {
namespace {

// (q - z)·mantissa for every int8 q, indexed by q's byte: two loads and an add per element.
using ScaledTable = std::array<int64_t, 256>;
ScaledTable scaled_table(int32_t z, int64_t mantissa) {
  ScaledTable t;
  for (int q = -128; q < 128; ++q) t[static_cast<uint8_t>(q)] = (q - z) * mantissa;
  return t;
}

#if defined(__x86_64__)
RKNNC_AVX512_DIAGNOSTICS_BEGIN
// Same-shape operands on AVX-512, eight per step: (a - za)·ma + (b - zb)·mb in
// 64-bit lanes (vpmuldq: |a - za| < 2^9, |m| < 2^31, exact), then the
// scalar path's rounding, zy and clamp. Returns the first index left.
RKNNC_TARGET_Q8_LANES int64_t add_avx512(const int8_t* a, const int8_t* b, int8_t* y, int64_t begin, int64_t end,
                                         int32_t za, int32_t zb, int64_t ma, int64_t mb, const Q8Lanes& k) {
  const __m512i va = _mm512_set1_epi64(ma), vb = _mm512_set1_epi64(mb);
  int64_t i = begin;
  for (; i + 8 <= end; i += 8)
    store_q8_lanes(k, _mm512_add_epi64(_mm512_mul_epi32(load_q8_lanes(a + i, za), va),
                                       _mm512_mul_epi32(load_q8_lanes(b + i, zb), vb)), y + i);
  return i;
}

// One operand broadcast (a per-channel constant): (x - zx)·mx + c, c the
// constant's scaled term. Returns how many of the n it did.
RKNNC_TARGET_Q8_LANES int64_t add_constant_avx512(const int8_t* x, int8_t* y, int64_t n, int32_t zx, int64_t mx,
                                                  int64_t c, const Q8Lanes& k) {
  const __m512i m = _mm512_set1_epi64(mx), vc = _mm512_set1_epi64(c);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) store_q8_lanes(k, _mm512_add_epi64(_mm512_mul_epi32(load_q8_lanes(x + i, zx), m), vc), y + i);
  return i;
}
RKNNC_AVX512_DIAGNOSTICS_END
#endif

struct AddQ8 {
  ScaledTable ta, tb;
  int shift;
  int32_t zy;
  OutputClamp clamp;
  int32_t za, zb;
  int64_t ma, mb;
  bool wide;  // AVX-512 and both mantissas below 2^31: the vector loops
  int8_t operator()(int8_t a, int8_t b) const {
    const int64_t sum = ta[static_cast<uint8_t>(a)] + tb[static_cast<uint8_t>(b)];
    return clamp(zy + FixedMultiplier::round_shift_branchless(sum, shift));
  }
  Q8Lanes lanes() const { return {shift, zy, clamp.lo, clamp.hi}; }
  int64_t broadcast_row(int8_t* o, const int8_t* x, int8_t y, int64_t n, bool swapped) const {
#if defined(__x86_64__)
    if (wide)
      return swapped ? add_constant_avx512(x, o, n, zb, mb, ta[static_cast<uint8_t>(y)], lanes())
                     : add_constant_avx512(x, o, n, za, ma, tb[static_cast<uint8_t>(y)], lanes());
#endif
    (void)o, (void)x, (void)y, (void)n, (void)swapped;
    return 0;
  }
};

// sign: +1 Add, -1 Sub.
void add_or_sub_q8(KernelContext& ctx, double sign) {
  const double sy = ctx.qout(0).scale_at(0);
  const SharedMultipliers m =
      SharedMultipliers::from_real({ctx.qin(0).scale_at(0) / sy, sign * ctx.qin(1).scale_at(0) / sy});
  const int32_t za = tensor_zero_point(ctx, 0), zb = tensor_zero_point(ctx, 1);
  const bool wide = cpu_features().avx512 && std::abs(m.mantissa[0]) < (int64_t{1} << 31) &&
                    std::abs(m.mantissa[1]) < (int64_t{1} << 31);
  const AddQ8 f{scaled_table(za, m.mantissa[0]), scaled_table(zb, m.mantissa[1]), m.shift, ctx.qout(0).zero_point_at(0),
                output_clamp(ctx), za, zb, m.mantissa[0], m.mantissa[1], wide};
  const ir::Tensor& a = ctx.in(0);
  const ir::Tensor& b = ctx.in(1);
  if (a.shape() != b.shape()) {
    binary<int8_t>(ctx, f);
    return;
  }
  // Same shapes (residual connections): a flat loop on local copies, which
  // the int8 stores cannot alias.
  const int8_t* pa = a.data<int8_t>();
  const int8_t* pb = b.data<int8_t>();
  int8_t* py = ctx.set_output_unfilled(0, ir::DataType::Int8, a.shape()).data<int8_t>();
  ctx.pool.parallel_for(a.numel(), 8, [&](int64_t begin, int64_t end) {
    int64_t i = begin;
#if defined(__x86_64__)
    if (wide) i = add_avx512(pa, pb, py, begin, end, za, zb, f.ma, f.mb, f.lanes());
#endif
    const AddQ8 g = f;
    for (; i < end; ++i) py[i] = g(pa[i], pb[i]);
  });
}

void add_q8(KernelContext& ctx) { add_or_sub_q8(ctx, 1.0); }
void sub_q8(KernelContext& ctx) { add_or_sub_q8(ctx, -1.0); }

RKNNC_QUANT_KERNEL("Add", add_q8);
RKNNC_QUANT_KERNEL("Sub", sub_q8);

}  // namespace
}  // namespace rknnc::runtime::kernels
