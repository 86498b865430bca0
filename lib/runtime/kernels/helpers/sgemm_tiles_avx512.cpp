#include <cstddef>

#include "runtime/kernels/helpers/sgemm_tiles.h"

#include "runtime/kernels/helpers/store_clamp_avx512.h"

namespace rknnc::runtime::kernels {
namespace {

// The k loop of the 8 x 16V tile is inline assembly for one instruction
// GCC does not emit here: an fma whose A operand is broadcast from memory
// (vfmadd231ps m32{1to16}). GCC broadcasts each A value into a register
// once for its V fmas; on Zen 4 those eight broadcasts per k cost about a
// fifth of the tile's speed (8x48, L1-resident: 92-96 -> 110-114 GFLOP/s).
// The products and their order are the same: fma(A[r][p], B[p][c], acc).
//
// Registers: B row p in zmm0..zmm(V-1), accumulator (r, v) in zmm(8 + 3r + v).
// A row r at a + r * s bytes, addressed from a, a3 = a + 3s, s and s3 = 3s.
#define RK_A0 "(%[a])"
#define RK_A1 "(%[a],%[s],1)"
#define RK_A2 "(%[a],%[s],2)"
#define RK_A3 "(%[a],%[s3],1)"
#define RK_A4 "(%[a],%[s],4)"
#define RK_A5 "(%[a3],%[s],2)"
#define RK_A6 "(%[a],%[s3],2)"
#define RK_A7 "(%[a3],%[s],4)"
#define RK_FMA(addr, v, acc) "vfmadd231ps " addr "%{1to16%}, %%zmm" v ", %%zmm" acc "\n\t"
#define RK_FMA1(addr, c0, c1, c2) RK_FMA(addr, "0", c0)
#define RK_FMA2(addr, c0, c1, c2) RK_FMA1(addr, c0, c1, c2) RK_FMA(addr, "1", c1)
#define RK_FMA3(addr, c0, c1, c2) RK_FMA2(addr, c0, c1, c2) RK_FMA(addr, "2", c2)
// Per accumulator of a row, v < V: X(register, byte offset of its vector in the row).
#define RK_EACH1(X, c0, c1, c2) X(c0, "0")
#define RK_EACH2(X, c0, c1, c2) RK_EACH1(X, c0, c1, c2) X(c1, "64")
#define RK_EACH3(X, c0, c1, c2) RK_EACH2(X, c0, c1, c2) X(c2, "128")
#define RK_ROWS(EACH, X, STEP)                                                                            \
  EACH(X, "8", "9", "10") STEP EACH(X, "11", "12", "13") STEP EACH(X, "14", "15", "16") STEP            \
  EACH(X, "17", "18", "19") STEP EACH(X, "20", "21", "22") STEP EACH(X, "23", "24", "25") STEP          \
  EACH(X, "26", "27", "28") STEP EACH(X, "29", "30", "31")
#define RK_NEXT_C_ROW "add %[ldc], %[t]\n\t"
#define RK_NEXT_BIAS "add $4, %[t]\n\t"
#define RK_LOAD(r, o) "vmovups " o "(%[t]), %%zmm" r "\n\t"
#define RK_STORE(r, o) "vmovups %%zmm" r ", " o "(%[t])\n\t"
#define RK_BIAS(r, o) "vbroadcastss (%[t]), %%zmm" r "\n\t"
// StoreClamp's formulas with lo in zmm1, hi in zmm2: Relu maxps(x, 0) (lo
// is 0), Clip maxps(lo, x) then minps(hi, m).
#define RK_RELU(r, o) "vmaxps %%zmm1, %%zmm" r ", %%zmm" r "\n\t"
#define RK_CLIP(r, o) "vmaxps %%zmm" r ", %%zmm1, %%zmm" r "\n\tvminps %%zmm" r ", %%zmm2, %%zmm" r "\n\t"
// The rounding to float16 and back (round_half_avx512's instructions).
#define RK_HALF(r, o) "vcvtps2ph $0, %%zmm" r ", %%ymm0\n\tvcvtph2ps %%ymm0, %%zmm" r "\n\t"
#define RK_STEP(FMA)                                                                                        \
  FMA(RK_A0, "8", "9", "10") FMA(RK_A1, "11", "12", "13") FMA(RK_A2, "14", "15", "16")                   \
  FMA(RK_A3, "17", "18", "19") FMA(RK_A4, "20", "21", "22") FMA(RK_A5, "23", "24", "25")                 \
  FMA(RK_A6, "26", "27", "28") FMA(RK_A7, "29", "30", "31")
// B row p: at b (then b += ldb), or at b + off[p] floats (then off += 1).
#define RK_B_ROW(v) "vmovups " v "*64(%[b]), %%zmm" v "\n\t"
#define RK_B_OFF(v) "vmovups " v "*64(%[b],%[t],4), %%zmm" v "\n\t"
// The next strip's row: a B read in place is kc rows far apart, more
// streams than the hardware prefetcher follows.
#define RK_PF_ROW(V, v) "prefetcht0 (" V "+" v ")*64(%[b])\n\t"
#define RK_PF_OFF(V, v) "prefetcht0 (" V "+" v ")*64(%[b],%[t],4)\n\t"
#define RK_B1(LD, PF) LD("0") PF("1", "0")
#define RK_B2(LD, PF) LD("0") LD("1") PF("2", "0") PF("2", "1")
#define RK_B3(LD, PF) LD("0") LD("1") LD("2") PF("3", "0") PF("3", "1") PF("3", "2")
#define RK_NEXT_ROW "add %[ldb], %[b]\n\t"
#define RK_NEXT_OFF "add $8, %[off]\n\t"
#define RK_LOAD_OFF "mov (%[off]), %[t]\n\t"
#define RK_CLOBBERS                                                                                           \
  "zmm0", "zmm1", "zmm2", "zmm8", "zmm9", "zmm10", "zmm11", "zmm12", "zmm13", "zmm14", "zmm15", "zmm16",    \
      "zmm17", "zmm18", "zmm19", "zmm20", "zmm21", "zmm22", "zmm23", "zmm24", "zmm25", "zmm26", "zmm27",     \
      "zmm28", "zmm29", "zmm30", "zmm31", "memory", "cc"
// The whole tile: accumulators from the bias (args->bias set) or from C,
// kc k steps (none when kc <= 0), the clamp (args->clamp: 0 none, 1 Relu, 2 Clip), the
// rounding to float16 (args->to_half), the store to C (8 rows ldc bytes apart,
// V vectors each).
#define RK_TILE_ASM(EACH, FMA, BLOAD, NEXT_B)                                                                \
  asm volatile("mov (%[args]), %[t]\n\t"                                                                       \
               "test %[t], %[t]\n\t"                                                                           \
               "jz 2f\n\t" RK_ROWS(EACH, RK_BIAS, RK_NEXT_BIAS) "jmp 3f\n"                                     \
               "2:\n\t"                                                                                        \
               "mov %[c], %[t]\n\t" RK_ROWS(EACH, RK_LOAD, RK_NEXT_C_ROW) "\n"                                 \
               "3:\n\t"                                                                                        \
               "test %[kc], %[kc]\n\t"                                                                         \
               "jle 6f\n"                                                                                      \
               "7:\n\t" BLOAD RK_STEP(FMA) NEXT_B                                                              \
               "add %[aps], %[a]\n\t"                                                                          \
               "add %[aps], %[a3]\n\t"                                                                         \
               "dec %[kc]\n\t"                                                                                 \
               "jnz 7b\n"                                                                                      \
               "6:\n\t"                                                                                        \
               "mov 8(%[args]), %[t]\n\t"                                                                      \
               "test %[t], %[t]\n\t"                                                                           \
               "jz 4f\n\t"                                                                                     \
               "vbroadcastss 16(%[args]), %%zmm1\n\t"                                                          \
               "vbroadcastss 20(%[args]), %%zmm2\n\t"                                                          \
               "cmp $1, %[t]\n\t"                                                                              \
               "jne 5f\n\t" RK_ROWS(EACH, RK_RELU, "") "jmp 4f\n"                                              \
               "5:\n\t" RK_ROWS(EACH, RK_CLIP, "") "\n"                                                        \
               "4:\n\t"                                                                                        \
               "cmpl $0, 24(%[args])\n\t"                                                                    \
               "je 8f\n\t" RK_ROWS(EACH, RK_HALF, "") "\n"                                                   \
               "8:\n\t"                                                                                        \
               "mov %[c], %[t]\n\t" RK_ROWS(EACH, RK_STORE, RK_NEXT_C_ROW)                                     \
               : [a] "+r"(a), [a3] "+r"(a3), [b] "+r"(b), [off] "+r"(off), [kc] "+r"(kc), [t] "=&r"(t)         \
               : [s] "r"(s), [s3] "r"(s3), [aps] "r"(aps), [ldb] "r"(ldb), [c] "r"(c), [ldc] "r"(ldc),          \
                 [args] "r"(&args)                                                                             \
               : RK_CLOBBERS)

// What the assembly reads around the k loop (offsets 0, 8, 16, 20, 24).
struct TileArgs {
  const float* bias;  // start row r from bias[r]; null: from C
  int64_t clamp;      // 0 none, 1 Relu, 2 Clip
  float lo, hi;
  int32_t to_half = 0;  // round to float16 before the store
};
static_assert(offsetof(TileArgs, clamp) == 8 && offsetof(TileArgs, lo) == 16 && offsetof(TileArgs, hi) == 20 &&
              offsetof(TileArgs, to_half) == 24);

TileArgs tile_args(const TileEdges& e) {
  static constexpr float kZeroBias[8] = {};
  TileArgs args{nullptr, 0, 0.0f, 0.0f};
  if (e.from_bias) args.bias = e.bias ? e.bias : kZeroBias;
  if (e.clamp.kind == StoreClamp::Kind::Relu) args.clamp = 1;
  if (e.clamp.kind == StoreClamp::Kind::Clip) args = {args.bias, 2, e.clamp.lo, e.clamp.hi};
  args.to_half = e.clamp.to_half;
  return args;
}

template <int V, bool kOffsets>
__attribute__((target("avx512f"))) void tile_avx512(int64_t kc, const float* a_ptr, int64_t ars, int64_t aps_floats,
                                                   const float* b_ptr, int64_t ldb_floats, const int64_t* boff,
                                                   float* c_ptr, int64_t ldc_floats, const TileEdges& e) {
  const TileArgs args = tile_args(e);
  const char* a = reinterpret_cast<const char*>(a_ptr);
  const int64_t s = ars * 4, s3 = 3 * s, aps = aps_floats * 4, ldb = ldb_floats * 4, ldc = ldc_floats * 4;
  const char* a3 = a + s3;
  const char* b = reinterpret_cast<const char*>(b_ptr);
  const int64_t* off = boff;
  char* c = reinterpret_cast<char*>(c_ptr);
  int64_t t;
  if constexpr (!kOffsets && V == 1) RK_TILE_ASM(RK_EACH1, RK_FMA1, RK_B1(RK_B_ROW, RK_PF_ROW), RK_NEXT_ROW);
  if constexpr (!kOffsets && V == 2) RK_TILE_ASM(RK_EACH2, RK_FMA2, RK_B2(RK_B_ROW, RK_PF_ROW), RK_NEXT_ROW);
  if constexpr (!kOffsets && V == 3) RK_TILE_ASM(RK_EACH3, RK_FMA3, RK_B3(RK_B_ROW, RK_PF_ROW), RK_NEXT_ROW);
  if constexpr (kOffsets && V == 1)
    RK_TILE_ASM(RK_EACH1, RK_FMA1, RK_LOAD_OFF RK_B1(RK_B_OFF, RK_PF_OFF), RK_NEXT_OFF);
  if constexpr (kOffsets && V == 2)
    RK_TILE_ASM(RK_EACH2, RK_FMA2, RK_LOAD_OFF RK_B2(RK_B_OFF, RK_PF_OFF), RK_NEXT_OFF);
  if constexpr (kOffsets && V == 3)
    RK_TILE_ASM(RK_EACH3, RK_FMA3, RK_LOAD_OFF RK_B3(RK_B_OFF, RK_PF_OFF), RK_NEXT_OFF);
}

// One row of a tile (the last, partial row panel when it holds one or two
// rows: the 49th pixel of a 7x7 layer's transposed gemm), V vectors wide:
// the same chains as row 0 of the assembly tile, for about a sixth of its
// cost instead of a whole tile over zero rows. Only ars (the row step) is
// unused: the caller points a and c at the row.
template <int V, bool kOffsets>
__attribute__((target("avx512f,fma"))) void row_avx512(int64_t kc, const float* a, int64_t, int64_t aps,
                                                       const float* b, int64_t ldb, const int64_t* boff, float* c,
                                                       int64_t, const TileEdges& e) {
  __m512 acc[V];
  for (int v = 0; v < V; ++v)
    acc[v] = e.from_bias ? _mm512_set1_ps(e.bias ? e.bias[0] : 0.0f) : _mm512_loadu_ps(c + 16 * v);
  for (int64_t p = 0; p < kc; ++p) {
    const float* row = kOffsets ? b + boff[p] : b + p * ldb;
    const __m512 ap = _mm512_set1_ps(a[p * aps]);
    for (int v = 0; v < V; ++v) acc[v] = _mm512_fmadd_ps(ap, _mm512_loadu_ps(row + 16 * v), acc[v]);
  }
  const __m512 lo = _mm512_set1_ps(e.clamp.lo), hi = _mm512_set1_ps(e.clamp.hi);
  for (int v = 0; v < V; ++v) _mm512_storeu_ps(c + 16 * v, clamp_avx512(acc[v], e.clamp, lo, hi));
}

}  // namespace

const TileFn kAvx512RowTiles[4] = {nullptr, row_avx512<1, false>, row_avx512<2, false>, row_avx512<3, false>};
const TileFn kAvx512RowOffsetTiles[4] = {nullptr, row_avx512<1, true>, row_avx512<2, true>, row_avx512<3, true>};
const TileFn kAvx512Tiles[4] = {nullptr, tile_avx512<1, false>, tile_avx512<2, false>, tile_avx512<3, false>};
const TileFn kAvx512OffsetTiles[4] = {nullptr, tile_avx512<1, true>, tile_avx512<2, true>, tile_avx512<3, true>};

}  // namespace rknnc::runtime::kernels
