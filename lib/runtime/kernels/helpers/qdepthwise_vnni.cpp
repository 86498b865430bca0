// The channel is copied as unsigned bytes u = x + 128, its padding as
// zx + 128, so that a kernel row's taps 4q..4q+3 against the channel's four
// weights are one vpdpbusd lane (u8 · s8, summed exactly in int32). The zero
// point leaves one constant per channel, the sums' starting value:
//   Σ w·(x - zx) = Σ w·u - (zx + 128)·Σ w    (padding: u - zx - 128 = 0).
//
// The copy is laid out in DepthwisePhases (bytes), so the quad of output f
// is the four bytes at stride_w·f (in its phase), and one 64-byte load at
// stride_w·f holds the quads of outputs f, f + P, ..., f + 15·P
// (P = 4 / stride_w): no byte shuffles, one load and one vpdpbusd per quad of
// taps and 16 outputs; the P vectors of a step are interleaved once at the
// end. The dropped columns are left out as the sums are stored.
#include "runtime/kernels/helpers/qdepthwise_vnni.h"

#include <algorithm>
#include <numeric>
#include <vector>

#include "runtime/kernels/helpers/scratch.h"
#include "util/error.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include "util/avx512_diagnostics.h"
#endif

namespace rknnc::runtime::kernels {
namespace {

constexpr int64_t kDwStep = 64;  // outputs a step: four vectors of sums

#if defined(__x86_64__)
RKNNC_AVX512_DIAGNOSTICS_BEGIN

// Lanes [lo, hi) of 64, clamped.
inline uint64_t byte_lanes(int64_t lo, int64_t hi) {
  lo = std::clamp<int64_t>(lo, 0, 64), hi = std::clamp<int64_t>(hi, 0, 64);
  if (lo >= hi) return 0;
  const uint64_t below_hi = hi == 64 ? ~uint64_t{0} : (uint64_t{1} << hi) - 1;
  return below_hi & ~((uint64_t{1} << lo) - 1);
}

// The unsigned copy, phase after phase. Each row is written in whole 64-byte
// stores that may run into the rows after it, which are written later (the
// last into the slack, written last); only the input's own bytes are loaded,
// those of lanes `columns[j]` of store j of an input row.
// Rows of `pitch` bytes, `phase_rows` a phase, then `slack` bytes of padding.
__attribute__((target("avx512f,avx512bw"))) void fill_dw_phases(const int8_t* x, int32_t zx, const Window& w,
                                                             int64_t pitch, int64_t phase_rows, int64_t slack,
                                                             const uint64_t* columns, uint8_t* d) {
  const __m512i pad = _mm512_set1_epi8(static_cast<char>(zx + 128)), flip = _mm512_set1_epi8(static_cast<char>(0x80));
  const int64_t left = std::min(w.pad_begin[2], pitch), phases = w.stride[1], stores = (pitch + 63) / 64;
  for (int64_t p = 0; p < phases; ++p)
    for (int64_t i = 0; i < phase_rows; ++i, d += pitch) {
      const int64_t ih = p + i * phases - w.pad_begin[1];
      if (ih < 0 || ih >= w.in[1]) {
        for (int64_t j = 0; j < stores; ++j) _mm512_storeu_si512(d + 64 * j, pad);
        continue;
      }
      const auto row = reinterpret_cast<uintptr_t>(x + ih * w.in[2]) - static_cast<uintptr_t>(left);
      for (int64_t j = 0; j < stores; ++j) {
        const __mmask64 k = columns[j];
        // masked-off lanes are not read: the load may start before the row
        const __m512i v = _mm512_maskz_loadu_epi8(k, reinterpret_cast<const void*>(row + 64 * j));
        _mm512_storeu_si512(d + 64 * j, _mm512_mask_blend_epi8(k, pad, _mm512_xor_si512(v, flip)));
      }
    }
  for (int64_t j = 0; j < slack; j += 64) _mm512_storeu_si512(d + j, pad);
}

// Stores sixteen sums: all of them, or only those of the `keep` bits packed
// together (vpcompressd in a register: its memory form is slow on Zen 4); the
// store may write past them. Returns the next output.
__attribute__((target("avx512f"))) inline int32_t* store_kept(int32_t* out, __m512i v, const uint16_t* keep,
                                                              int64_t column) {
  if (!keep) {
    _mm512_storeu_si512(out, v);
    return out + 16;
  }
  const uint16_t bits = keep[column];
  if (bits == 0xFFFF) {  // a vector inside a row (most of them): no compress
    _mm512_storeu_si512(out, v);
    return out + 16;
  }
  _mm512_storeu_si512(out, _mm512_maskz_compress_epi32(static_cast<__mmask16>(bits), v));
  return out + __builtin_popcount(bits);
}

// The sums of flat outputs [0, n) (rounded up to a step) of `taps` (their
// byte offsets and weight quads), starting from `start`, into out: each
// vector of 16 flat outputs whole, or (keep) only the outputs of the bits
// keep[c] for the vector that starts at column c of a flat row of `per_row`,
// packed.
template <int SW>
__attribute__((target("avx512f,avx512vnni"))) void dw_quad_sums(const uint8_t* plane, const int64_t* offsets,
                                                             const int32_t* weights, int64_t taps, int32_t start,
                                                             int64_t n, const uint16_t* keep, int64_t per_row,
                                                             int32_t* out) {
  constexpr int P = 4 / SW;  // outputs f, f + P, ... in one vector; P vectors a run of 16·P outputs
  const __m512i pair_lo = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const __m512i pair_hi = _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
  const __m512i quad_lo = _mm512_setr_epi64(0, 8, 1, 9, 2, 10, 3, 11);
  const __m512i quad_hi = _mm512_setr_epi64(4, 12, 5, 13, 6, 14, 7, 15);
  int64_t column = 0;  // of the next vector's first output in its flat row
  for (int64_t f = 0; f < n; f += kDwStep) {
    __m512i acc[4];
    for (auto& a : acc) a = _mm512_set1_epi32(start);
    for (int64_t t = 0; t < taps; ++t) {
      const __m512i wq = _mm512_set1_epi32(weights[t]);
      const uint8_t* src = plane + offsets[t] + SW * f;
      for (int a = 0; a < 4; ++a)  // vector a: run a / P, outputs a % P + P·j of it
        acc[a] = _mm512_dpbusd_epi32(acc[a], _mm512_loadu_si512(src + SW * (a / P * 16 * P + a % P)), wq);
    }
    // Interleave dwords of vectors 0 and 1, 2 and 3: in order for P = 2;
    // for P = 4 then the pairs' qwords, (0, 1) of output 4i next to (2, 3).
    const __m512i lo01 = _mm512_permutex2var_epi32(acc[0], pair_lo, acc[1]);
    const __m512i hi01 = _mm512_permutex2var_epi32(acc[0], pair_hi, acc[1]);
    const __m512i lo23 = _mm512_permutex2var_epi32(acc[2], pair_lo, acc[3]);
    const __m512i hi23 = _mm512_permutex2var_epi32(acc[2], pair_hi, acc[3]);
    // four named stores, not a loop over an array (GCC had spilled it to the stack)
    auto put = [&](__m512i v) {
      out = store_kept(out, v, keep, column);
      column += 16;
      while (column >= per_row) column -= per_row;
    };
    put(P == 2 ? lo01 : _mm512_permutex2var_epi64(lo01, quad_lo, lo23));
    put(P == 2 ? hi01 : _mm512_permutex2var_epi64(lo01, quad_hi, lo23));
    put(P == 2 ? lo23 : _mm512_permutex2var_epi64(hi01, quad_lo, hi23));
    put(P == 2 ? hi23 : _mm512_permutex2var_epi64(hi01, quad_hi, hi23));
  }
}
RKNNC_AVX512_DIAGNOSTICS_END
#endif

}  // namespace

VnniDepthwise::VnniDepthwise(const Window& w, int32_t zx) : win_(w), zx_(zx), layout_(w, 4) {
  const int64_t pitch = layout_.pitch, per_row = layout_.per_row;
  // The last step starts under 64 outputs before the end and reads 64 bytes
  // from up to stride_w·3 + 4·(quads - 1) past its start; rounded to whole
  // 64-byte stores of the padding.
  slack_ = (w.stride[2] * kDwStep + 64 + 4 * layout_.groups + 63) / 64 * 64;
  const int64_t left = std::min(w.pad_begin[2], pitch), cols = std::clamp<int64_t>(w.in[2], 0, pitch - left);
  for (int64_t j = 0; j < pitch; j += 64) columns_.push_back(byte_lanes(left - j, left + cols - j));
  if (per_row != w.out[2])  // by the column of a vector's first output: its outputs in the first OW columns
    for (int64_t c = 0; c < per_row; ++c) {
      uint16_t bits = 0;
      for (int64_t i = 0, col = c; i < 16; ++i, col = col + 1 == per_row ? 0 : col + 1)
        bits |= static_cast<uint16_t>(col < w.out[2]) << i;
      keep_.push_back(bits);
    }
}

int64_t VnniDepthwise::acc_size() const {
  // whole steps, or with dropped columns the kept outputs, those of the last
  // step's flat outputs past the last row (under 64) and the last store's 16
  return std::max(win_.out_size() + kDwStep + 16, (layout_.outputs + kDwStep - 1) / kDwStep * kDwStep);
}

void VnniDepthwise::sums(const int8_t* x, const int8_t* w, int32_t* acc) const {
#if defined(__x86_64__)
  const int64_t kh = win_.kernel[1], kw = win_.kernel[2], quads = layout_.groups, taps = kh * quads;
  thread_local std::vector<uint8_t, UninitAllocator<uint8_t>> plane;  // fill_dw_phases writes every byte
  thread_local std::vector<int32_t> weights;
  grow_to(plane, static_cast<size_t>(layout_.values() + slack_));
  grow_to(weights, static_cast<size_t>(taps));
  pack_tap_groups(w, kh, kw, 4, weights.data());
  const int32_t weight_sum = std::accumulate(w, w + kh * kw, int32_t{0});
  fill_dw_phases(x, zx_, win_, layout_.pitch, layout_.phase_rows, slack_, columns_.data(), plane.data());
  const int32_t start = -(zx_ + 128) * weight_sum;
  const uint16_t* keep = keep_.empty() ? nullptr : keep_.data();
  const int64_t* offsets = layout_.offsets.data();
  if (win_.stride[2] == 1)
    dw_quad_sums<1>(plane.data(), offsets, weights.data(), taps, start, layout_.outputs, keep, layout_.per_row, acc);
  else
    dw_quad_sums<2>(plane.data(), offsets, weights.data(), taps, start, layout_.outputs, keep, layout_.per_row, acc);
#else
  (void)x, (void)w, (void)acc;
  fail("the AVX-512 VNNI depthwise loop was called on a CPU without it");
#endif
}

}  // namespace rknnc::runtime::kernels
