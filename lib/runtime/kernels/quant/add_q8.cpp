// Quantised Add and Sub: y = clamp(zy + round((a - za)·sa/sy ± (b - zb)·sb/sy)),
// both terms on one shared fixed-point shift so the sum is rounded once (Sub:
// the second mantissa negated); numpy broadcasting; a fused Relu / Clip
// narrows the clamp.
#include <array>
#include <cstdlib>
#include <optional>

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

// Same-shape operands, sixty-four per step in 32-bit lanes, where the
// mantissas fit 30 bits and shift >= 16. Each mantissa is split at bit 15,
// m = mh·2^15 + ml (ml in [0, 2^15), both int16), so one vpmaddwd of the
// pairs (a, b) gives H = a·mah + b·mbh and another L = a·mal + b·mbl, and
// the sum is S = H·2^15 + L - K (K = za·ma + zb·mb = Kh·2^15 + Kl) exactly.
// With L' = L - Kl: T = H - Kh + (L' >> 15) = floor(S / 2^15) and
// R = L' & 0x7FFF, so S < 0 exactly when T < 0, and the scalar path's
// (S + 2^(shift-1) + (S >> 63)) >> shift is
//   (T + 2^(shift-16) - [R == 0 and T < 0]) >> (shift - 15).
struct PairConsts {
  int32_t hi, lo;  // (mah, mbh) and (mal, mbl) as int16 pairs
  int32_t kl, t_offset, half;  // Kl; 2^(shift-16) - Kh; 2^(shift-16)
  int down;                    // shift - 15
};

std::optional<PairConsts> pair_consts(int32_t za, int32_t zb, int64_t ma, int64_t mb, int shift) {
  const int64_t limit = int64_t{1} << 30;
  if (shift < 16 || shift > 45 || std::abs(ma) >= limit || std::abs(mb) >= limit) return std::nullopt;
  auto pair = [](int64_t a, int64_t b) {
    return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint16_t>(a)) |
                                (static_cast<uint32_t>(static_cast<uint16_t>(b)) << 16));
  };
  const int64_t k = za * ma + zb * mb, kh = k >> 15;  // arithmetic: floor
  const int64_t t_offset = (int64_t{1} << (shift - 16)) - kh;
  if (std::abs(t_offset) >= limit) return std::nullopt;
  return PairConsts{pair(ma >> 15, mb >> 15), pair(ma & 0x7FFF, mb & 0x7FFF), static_cast<int32_t>(k & 0x7FFF),
                    static_cast<int32_t>(t_offset), int32_t{1} << (shift - 16), shift - 15};
}

// Sixteen pairs (a_i, b_i) as int16 to zy + the rounded sums, unclamped.
RKNNC_TARGET_Q8_LANES inline __m512i add_pairs16(__m512i pairs, const PairConsts& c, int32_t zy) {
  const __m512i h = _mm512_madd_epi16(pairs, _mm512_set1_epi32(c.hi));
  const __m512i l = _mm512_sub_epi32(_mm512_madd_epi16(pairs, _mm512_set1_epi32(c.lo)), _mm512_set1_epi32(c.kl));
  const __m512i offset = _mm512_set1_epi32(c.t_offset);
  const __m512i u = _mm512_add_epi32(_mm512_add_epi32(h, offset), _mm512_srai_epi32(l, 15));  // T + 2^(shift-16)
  // R == 0 and T < 0, that is u < 2^(shift-16)
  const __mmask16 floor_one =
      _mm512_mask_cmplt_epi32_mask(_mm512_testn_epi32_mask(l, _mm512_set1_epi32(0x7FFF)), u, _mm512_set1_epi32(c.half));
  const __m512i r = _mm512_mask_sub_epi32(u, floor_one, u, _mm512_set1_epi32(1));
  return _mm512_add_epi32(_mm512_srai_epi32(r, c.down), _mm512_set1_epi32(zy));
}

// Returns the first index left. The bytes of a and b are interleaved per
// 128-bit lane, so the four vectors of pairs hold elements {0-7, 16-23},
// {32-39, 48-55}, {8-15, 24-31} and {40-47, 56-63}; after the packs one
// vpermd puts the groups of four in order.
RKNNC_TARGET_Q8_LANES int64_t add_pairs_avx512(const int8_t* a, const int8_t* b, int8_t* y, int64_t begin,
                                               int64_t end, const PairConsts& c, const Q8Lanes& k) {
  const __m512i lo8 = _mm512_set1_epi8(static_cast<char>(k.lo)), hi8 = _mm512_set1_epi8(static_cast<char>(k.hi));
  const __m512i order = _mm512_setr_epi32(0, 4, 1, 5, 8, 12, 9, 13, 2, 6, 3, 7, 10, 14, 11, 15);
  int64_t i = begin;
  for (; i + 64 <= end; i += 64) {
    const __m512i va = _mm512_loadu_si512(a + i), vb = _mm512_loadu_si512(b + i);
    const __m512i lo = _mm512_unpacklo_epi8(va, vb), hi = _mm512_unpackhi_epi8(va, vb);
    const __m512i r0 = add_pairs16(_mm512_cvtepi8_epi16(_mm512_castsi512_si256(lo)), c, k.zy);
    const __m512i r1 = add_pairs16(_mm512_cvtepi8_epi16(_mm512_extracti64x4_epi64(lo, 1)), c, k.zy);
    const __m512i r2 = add_pairs16(_mm512_cvtepi8_epi16(_mm512_castsi512_si256(hi)), c, k.zy);
    const __m512i r3 = add_pairs16(_mm512_cvtepi8_epi16(_mm512_extracti64x4_epi64(hi, 1)), c, k.zy);
    const __m512i bytes = _mm512_packs_epi16(_mm512_packs_epi32(r0, r2), _mm512_packs_epi32(r1, r3));
    _mm512_storeu_si512(y + i, _mm512_min_epi8(_mm512_max_epi8(_mm512_permutexvar_epi32(order, bytes), lo8), hi8));
  }
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
#if defined(__x86_64__)
  const std::optional<PairConsts> pairs = wide ? pair_consts(za, zb, f.ma, f.mb, f.shift) : std::nullopt;
#endif
  ctx.pool.parallel_for(a.numel(), 8, [&](int64_t begin, int64_t end) {
    int64_t i = begin;
#if defined(__x86_64__)
    if (pairs) i = add_pairs_avx512(pa, pb, py, i, end, *pairs, f.lanes());
    if (wide) i = add_avx512(pa, pb, py, i, end, za, zb, f.ma, f.mb, f.lanes());
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
