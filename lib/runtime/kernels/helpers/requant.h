#pragma once
// Integer requantisation for the int8 simulator (DESIGN.md, Numerics): a real
// multiplier m is held as an integer mantissa and a right shift,
// m ≈ mantissa · 2^-shift, and applied to an integer accumulator with
// rounding half away from zero. No float touches the int8 data path; floats
// are only read once per node to build these constants.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "runtime/kernel.h"

namespace rknnc::runtime::kernels {

struct FixedMultiplier {
  int64_t mantissa = 0;  // < 2^31
  int shift = 0;         // 0..62

  // Nearest representation of m >= 0 with a 31-bit mantissa.
  static FixedMultiplier from_real(double m);
  // round_half_away(acc · mantissa / 2^shift); |acc| must stay below 2^31.
  int64_t apply(int64_t acc) const { return round_shift(acc * mantissa, shift); }

  static int64_t round_shift(int64_t v, int shift) {
    if (shift == 0) return v;
    const int64_t half = int64_t{1} << (shift - 1);
    return v >= 0 ? (v + half) >> shift : -((-v + half) >> shift);
  }
  // round_shift without a data-dependent branch, same results: for v < 0,
  // -((-v + half) >> shift) == (v + half - 1) >> shift (arithmetic shift floors).
  static int64_t round_shift_branchless(int64_t v, int shift) {
    if (shift == 0) return v;
    return (v + (int64_t{1} << (shift - 1)) + (v >> 63)) >> shift;
  }
};

// Several multipliers on one shared shift, so a sum of scaled terms is
// rounded once: round(Σ a_i · m_i). Mantissas stay below 2^30.
struct SharedMultipliers {
  std::vector<int64_t> mantissa;
  int shift = 0;
  static SharedMultipliers from_real(const std::vector<double>& m);
};

inline int8_t saturate_int8(int64_t v) { return static_cast<int8_t>(std::clamp<int64_t>(v, -128, 127)); }

// The int8 output range [lo, hi] of a quantised node: [-128, 127] narrowed by
// a fused Relu / Clip (passes/fuse_activation) on the output's scale.
// Other fused activations cannot be applied on integers: ctx.fail.
struct OutputClamp {
  int32_t lo = -128, hi = 127;
  int8_t operator()(int64_t v) const { return static_cast<int8_t>(std::clamp<int64_t>(v, lo, hi)); }
};
OutputClamp output_clamp(const KernelContext& ctx);

// Per-output-channel (or one) requantisation constants of a conv/gemm:
// s_in · s_w[c] / s_out for c < channels.
std::vector<FixedMultiplier> channel_multipliers(const KernelContext& ctx, size_t in, size_t weight, int64_t channels);

// The input's per-tensor zero point (quantised activations are per tensor).
int32_t tensor_zero_point(const KernelContext& ctx, size_t in);

// y[i] = table[x[i] + 128] for i < n, on the pool: an int8 function given as
// its 256 results (the lookup-table ops, Concat's requantised inputs).
void lookup_bytes(ThreadPool& pool, const int8_t* table, const int8_t* x, int8_t* y, int64_t n);

}  // namespace rknnc::runtime::kernels
