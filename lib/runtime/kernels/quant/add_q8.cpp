// Quantised Add and Sub: y = clamp(zy + round((a - za)·sa/sy ± (b - zb)·sb/sy)),
// both terms on one shared fixed-point shift so the sum is rounded once (Sub:
// the second mantissa negated); numpy broadcasting; a fused Relu / Clip
// narrows the clamp.
#include <array>
#include <cstdlib>

#include "runtime/cpu_features.h"
#include "runtime/kernels/helpers/elementwise.h"
#include "runtime/kernels/helpers/requant.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace rknnc::runtime::kernels {
namespace {

// (q - z)·mantissa for every int8 q, indexed by q's byte: two loads and an add per element.
using ScaledTable = std::array<int64_t, 256>;
ScaledTable scaled_table(int32_t z, int64_t mantissa) {
  ScaledTable t;
  for (int q = -128; q < 128; ++q) t[static_cast<uint8_t>(q)] = (q - z) * mantissa;
  return t;
}

struct AddQ8 {
  ScaledTable ta, tb;
  int shift;
  int32_t zy;
  OutputClamp clamp;
  int32_t za, zb;
  int8_t operator()(int8_t a, int8_t b) const {
    const int64_t sum = ta[static_cast<uint8_t>(a)] + tb[static_cast<uint8_t>(b)];
    return clamp(zy + FixedMultiplier::round_shift_branchless(sum, shift));
  }
};

#if defined(__x86_64__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // GCC 12's AVX-512 headers (see qrequant_avx512.cpp)
// Same-shape operands on AVX-512, eight per step: (a - za)·ma + (b - zb)·mb in
// 64-bit lanes (vpmuldq: |a - za| < 2^9, |m| <= 2^30, exact), then AddQ8's
// branch-free rounding, zy and clamp. Returns the first index left.
__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl"))) int64_t add_avx512(
    const int8_t* a, const int8_t* b, int8_t* y, int64_t begin, int64_t end, int32_t za, int32_t zb,
    const SharedMultipliers& m, int32_t zy, OutputClamp clamp) {
  const __m512i vza = _mm512_set1_epi64(za), vzb = _mm512_set1_epi64(zb);
  const __m512i ma = _mm512_set1_epi64(m.mantissa[0]), mb = _mm512_set1_epi64(m.mantissa[1]);
  const __m512i half = _mm512_set1_epi64(m.shift ? int64_t{1} << (m.shift - 1) : 0);
  const __m128i count = _mm_cvtsi32_si128(m.shift);
  const __m512i vzy = _mm512_set1_epi64(zy), lo = _mm512_set1_epi64(clamp.lo), hi = _mm512_set1_epi64(clamp.hi);
  int64_t i = begin;
  for (; i + 8 <= end; i += 8) {
    const __m512i va = _mm512_sub_epi64(_mm512_cvtepi8_epi64(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(a + i))), vza);
    const __m512i vb = _mm512_sub_epi64(_mm512_cvtepi8_epi64(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(b + i))), vzb);
    const __m512i sum = _mm512_add_epi64(_mm512_mul_epi32(va, ma), _mm512_mul_epi32(vb, mb));
    __m512i r = sum;
    if (m.shift) r = _mm512_sra_epi64(_mm512_add_epi64(_mm512_add_epi64(sum, half), _mm512_srai_epi64(sum, 63)), count);
    r = _mm512_min_epi64(_mm512_max_epi64(_mm512_add_epi64(r, vzy), lo), hi);
    _mm_storel_epi64(reinterpret_cast<__m128i*>(y + i), _mm512_cvtepi64_epi8(r));
  }
  return i;
}
#pragma GCC diagnostic pop
#endif

// sign: +1 Add, -1 Sub.
void add_or_sub_q8(KernelContext& ctx, double sign) {
  const double sy = ctx.qout(0).scale_at(0);
  const SharedMultipliers m =
      SharedMultipliers::from_real({ctx.qin(0).scale_at(0) / sy, sign * ctx.qin(1).scale_at(0) / sy});
  const AddQ8 f{scaled_table(tensor_zero_point(ctx, 0), m.mantissa[0]),
                scaled_table(tensor_zero_point(ctx, 1), m.mantissa[1]), m.shift, ctx.qout(0).zero_point_at(0),
                output_clamp(ctx), tensor_zero_point(ctx, 0), tensor_zero_point(ctx, 1)};
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
  int8_t* py = ctx.set_output(0, ir::DataType::Int8, a.shape()).data<int8_t>();
  const bool avx512 = cpu_features().avx512 && std::abs(m.mantissa[0]) < (int64_t{1} << 31) &&
                      std::abs(m.mantissa[1]) < (int64_t{1} << 31);
  ctx.pool.parallel_for(a.numel(), 8, [&](int64_t begin, int64_t end) {
    int64_t i = begin;
#if defined(__x86_64__)
    if (avx512) i = add_avx512(pa, pb, py, begin, end, f.za, f.zb, m, f.zy, f.clamp);
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
