// The quad product's micro-kernels, compiled for their instruction sets with
// target attributes (the build itself stays baseline x86-64) and called only
// when cpu_features() reports them.
#include <cstring>

#include "runtime/kernels/helpers/qquad_gemm.h"
#include "util/error.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace rknnc::runtime::kernels {
namespace {

#if defined(__x86_64__)
#define RKNNC_TARGET_VNNI __attribute__((target("avx512f,avx512bw,avx512vnni")))
#define RKNNC_TARGET_AVX2 __attribute__((target("avx2")))
#define RKNNC_TARGET_VNNI_VL __attribute__((target("avx512f,avx512vl,avx512vnni")))

inline int32_t load32(const int8_t* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// 8 channels × NP panels: per quad one vpdpbusd (16 pixels × 4 products) per
// channel and panel on a broadcast weight quad.
template <int NP>
RKNNC_TARGET_VNNI void tile_vnni(const uint8_t* x, int64_t panel_bytes, const int8_t* w, int64_t quads,
                                 const int32_t* corr, int32_t* rows, int64_t stride) {
  __m512i acc[kQuadBlock][NP];
#pragma GCC unroll 8
  for (int r = 0; r < kQuadBlock; ++r)
#pragma GCC unroll 2
    for (int p = 0; p < NP; ++p) acc[r][p] = _mm512_setzero_si512();
  for (int64_t q = 0; q < quads; ++q) {
    __m512i xv[NP];
#pragma GCC unroll 2
    for (int p = 0; p < NP; ++p) xv[p] = _mm512_loadu_si512(x + p * panel_bytes + q * 4 * kQuadPanel);
    const int8_t* wq = w + q * 4 * kQuadBlock;
#pragma GCC unroll 8
    for (int r = 0; r < kQuadBlock; ++r) {
      const __m512i wr = _mm512_set1_epi32(load32(wq + 4 * r));
#pragma GCC unroll 2
      for (int p = 0; p < NP; ++p) acc[r][p] = _mm512_dpbusd_epi32(acc[r][p], xv[p], wr);
    }
  }
#pragma GCC unroll 8
  for (int r = 0; r < kQuadBlock; ++r) {
    const __m512i c = _mm512_set1_epi32(corr[r]);
#pragma GCC unroll 2
    for (int p = 0; p < NP; ++p)
      _mm512_storeu_si512(rows + r * stride + p * kQuadPanel, _mm512_sub_epi32(acc[r][p], c));
  }
}

void quad_tile_vnni(const uint8_t* x, int64_t panel_bytes, int np, const int8_t* w, int64_t quads,
                    const int32_t* corr, int32_t* rows, int64_t stride) {
  if (np == 2)
    tile_vnni<2>(x, panel_bytes, w, quads, corr, rows, stride);
  else
    tile_vnni<1>(x, panel_bytes, w, quads, corr, rows, stride);
}

// acc + the pixel's quad q (xi: its first quad in the panel) times the 8 channels' quads q.
RKNNC_TARGET_VNNI_VL inline __m256i pixel_quad(__m256i acc, const uint8_t* xi, const int8_t* w, int64_t q) {
  const __m256i u = _mm256_set1_epi32(load32(reinterpret_cast<const int8_t*>(xi + q * 4 * kQuadPanel)));
  return _mm256_dpbusd_epi32(acc, u, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + q * 4 * kQuadBlock)));
}

// 8 channels × the first n pixels of one panel, for products of a few pixels
// (a Gemm of one row, a Conv on a 1x1 image), where the panel tile would
// compute sixteen lanes for each real one: per pixel and quad one 256-bit
// vpdpbusd of the pixel's broadcast quad with the 8 channels' quads, in four
// chains (sums modulo 2^32, so their order changes nothing).
RKNNC_TARGET_VNNI_VL void few_pixels_vnni(const uint8_t* x, int64_t n, const int8_t* w, int64_t quads,
                                          const int32_t* corr, int32_t* rows, int64_t stride) {
  const __m256i c = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(corr));
  for (int64_t i = 0; i < n; ++i) {
    const uint8_t* xi = x + 4 * i;
    __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
    int64_t q = 0;
    for (; q + 4 <= quads; q += 4) {
      a0 = pixel_quad(a0, xi, w, q);
      a1 = pixel_quad(a1, xi, w, q + 1);
      a2 = pixel_quad(a2, xi, w, q + 2);
      a3 = pixel_quad(a3, xi, w, q + 3);
    }
    for (; q < quads; ++q) a0 = pixel_quad(a0, xi, w, q);
    alignas(32) int32_t sums[kQuadBlock];
    _mm256_store_si256(reinterpret_cast<__m256i*>(sums),
                       _mm256_sub_epi32(_mm256_add_epi32(_mm256_add_epi32(a0, a1), _mm256_add_epi32(a2, a3)), c));
    for (int64_t r = 0; r < kQuadBlock; ++r) rows[r * stride + i] = sums[r];
  }
}

// 4 channels × one panel without vpdpbusd. pmaddubsw would saturate int16
// (255·127·2 > 32767), so the bytes are widened to int16 instead: the even
// bytes of each quad (k, k+2) and the odd ones (k+1, k+3) meet the matching
// sign-extended weight pairs in vpmaddwd, whose int32 sums are exact.
RKNNC_TARGET_AVX2 void tile_avx2_4(const uint8_t* x, const int8_t* w, int64_t quads, const int32_t* corr,
                                   int32_t* rows, int64_t stride) {
  __m256i acc[4][2];
#pragma GCC unroll 4
  for (int r = 0; r < 4; ++r) acc[r][0] = acc[r][1] = _mm256_setzero_si256();
  const __m256i low_bytes = _mm256_set1_epi16(0x00FF);
  for (int64_t q = 0; q < quads; ++q) {
    const __m256i x0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + q * 4 * kQuadPanel));
    const __m256i x1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + q * 4 * kQuadPanel + 32));
    const __m256i e0 = _mm256_and_si256(x0, low_bytes), o0 = _mm256_srli_epi16(x0, 8);
    const __m256i e1 = _mm256_and_si256(x1, low_bytes), o1 = _mm256_srli_epi16(x1, 8);
    const int8_t* wq = w + q * 4 * kQuadBlock;
#pragma GCC unroll 4
    for (int r = 0; r < 4; ++r) {
      const __m256i wd = _mm256_set1_epi32(load32(wq + 4 * r));
      const __m256i w02 = _mm256_srai_epi16(_mm256_slli_epi16(wd, 8), 8), w13 = _mm256_srai_epi16(wd, 8);
      acc[r][0] = _mm256_add_epi32(acc[r][0], _mm256_add_epi32(_mm256_madd_epi16(e0, w02), _mm256_madd_epi16(o0, w13)));
      acc[r][1] = _mm256_add_epi32(acc[r][1], _mm256_add_epi32(_mm256_madd_epi16(e1, w02), _mm256_madd_epi16(o1, w13)));
    }
  }
#pragma GCC unroll 4
  for (int r = 0; r < 4; ++r) {
    const __m256i c = _mm256_set1_epi32(corr[r]);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(rows + r * stride), _mm256_sub_epi32(acc[r][0], c));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(rows + r * stride + 8), _mm256_sub_epi32(acc[r][1], c));
  }
}

void quad_tile_avx2(const uint8_t* x, int64_t panel_bytes, int np, const int8_t* w, int64_t quads,
                    const int32_t* corr, int32_t* rows, int64_t stride) {
  for (int p = 0; p < np; ++p)
    for (int h = 0; h < 2; ++h)
      tile_avx2_4(x + p * panel_bytes, w + 16 * h, quads, corr + 4 * h, rows + 4 * h * stride + p * kQuadPanel,
                  stride);
}
#endif

}  // namespace

QuadTileFn quad_tile(QuadIsa isa) {
#if defined(__x86_64__)
  if (isa == QuadIsa::Vnni) return quad_tile_vnni;
  if (isa == QuadIsa::Avx2) return quad_tile_avx2;
#endif
  fail("the int8 quad product has no {} micro-kernel", quad_isa_name(isa));
}

QuadFewPixelsFn quad_few_pixels(QuadIsa isa) {
#if defined(__x86_64__)
  if (isa == QuadIsa::Vnni) return few_pixels_vnni;
#endif
  (void)isa;
  return nullptr;
}

}  // namespace rknnc::runtime::kernels
