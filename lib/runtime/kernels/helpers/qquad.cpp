#include "runtime/kernels/helpers/qquad.h"

#include <algorithm>
#include <cstring>

#include "runtime/cpu_features.h"
#include "runtime/kernels/helpers/scratch.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#include "util/avx512_diagnostics.h"
#endif

namespace rknnc::runtime::kernels {
namespace {

inline uint8_t to_u8(int8_t v) { return static_cast<uint8_t>(v ^ 0x80); }  // v + 128

void allocate(QuadPixels& out, int64_t k, int64_t p) {
  out.k = k, out.quads = (k + 3) / 4, out.pixels = p, out.panels = (p + kQuadPanel - 1) / kQuadPanel;
  grow_to(out.data, static_cast<size_t>(out.panels * out.quads * 4 * kQuadPanel));  // every panel is written whole
}

// Panels [b, e) to body, on the pool in runs of whole groups of four (the
// AVX-512 transpose's unit).
template <typename Body>
void over_panels(const QuadPixels& out, ThreadPool* pool, Body&& body) {
  constexpr int64_t kGroup = 4;
  if (pool)
    pool->parallel_for((out.panels + kGroup - 1) / kGroup, kGroup * out.quads * 4 * kQuadPanel,
                       [&](int64_t b, int64_t e) { body(b * kGroup, std::min(out.panels, e * kGroup)); });
  else
    body(0, out.panels);
}

// One panel element by element: the last, partial panel, and builds without
// SSE2. row(r) is where row r's pixel 0 is.
template <typename Row>
void pack_panel_scalar(const Row& row, int64_t k, int64_t p, int64_t panel, int64_t quads, uint8_t* dst) {
  for (int64_t q = 0; q < quads; ++q)
    for (int64_t i = 0; i < kQuadPanel; ++i)
      for (int64_t j = 0; j < 4; ++j) {
        const int64_t r = 4 * q + j, px = panel * kQuadPanel + i;
        dst[(q * kQuadPanel + i) * 4 + j] = r < k && px < p ? to_u8(row(r)[px]) : uint8_t{0};
      }
}

#if defined(__SSE2__)
// Four rows of 16 pixels (a quad's bytes), transposed to 16 quads: four
// 16-byte stores at dst.
inline void store_quads_sse2(__m128i a, __m128i b, __m128i c, __m128i d, uint8_t* dst) {
  const __m128i ab_lo = _mm_unpacklo_epi8(a, b), ab_hi = _mm_unpackhi_epi8(a, b);
  const __m128i cd_lo = _mm_unpacklo_epi8(c, d), cd_hi = _mm_unpackhi_epi8(c, d);
  __m128i* o = reinterpret_cast<__m128i*>(dst);
  _mm_storeu_si128(o, _mm_unpacklo_epi16(ab_lo, cd_lo));
  _mm_storeu_si128(o + 1, _mm_unpackhi_epi16(ab_lo, cd_lo));
  _mm_storeu_si128(o + 2, _mm_unpacklo_epi16(ab_hi, cd_hi));
  _mm_storeu_si128(o + 3, _mm_unpackhi_epi16(ab_hi, cd_hi));
}

template <typename Row>
void pack_panel_sse2(const Row& row_at, int64_t k, int64_t panel, int64_t quads, uint8_t* dst) {
  const __m128i flip = _mm_set1_epi8(static_cast<char>(0x80));
  auto row = [&](int64_t r) {
    return r < k ? _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(row_at(r) + panel * kQuadPanel)), flip)
                 : _mm_setzero_si128();
  };
  for (int64_t q = 0; q < quads; ++q)
    store_quads_sse2(row(4 * q), row(4 * q + 1), row(4 * q + 2), row(4 * q + 3), dst + q * 4 * kQuadPanel);
}
#endif

#if defined(__x86_64__)
RKNNC_AVX512_DIAGNOSTICS_BEGIN
// Four panels at once (64 pixels of four rows a quad): the SSE2 transpose on
// each 128-bit lane of zmm registers (lane L is panel + L), then a 4x4
// transpose of the lanes so that each panel's 64-byte quad is one store:
// 28 instructions where the panel-by-panel loop took 80.
template <typename Row>
__attribute__((target("avx512f,avx512bw"))) void pack_4_panels_avx512(const Row& row_at, int64_t k, int64_t panel,
                                                                    int64_t quads, uint8_t* dst, int64_t panel_bytes) {
  const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
  for (int64_t q = 0; q < quads; ++q) {
    __m512i v[4];
    for (int j = 0; j < 4; ++j) {
      const int64_t r = 4 * q + j;
      v[j] = r < k ? _mm512_xor_si512(_mm512_loadu_si512(row_at(r) + panel * kQuadPanel), flip) : _mm512_setzero_si512();
    }
    const __m512i a = v[0], b = v[1], c = v[2], d = v[3];
    const __m512i ab_lo = _mm512_unpacklo_epi8(a, b), ab_hi = _mm512_unpackhi_epi8(a, b);
    const __m512i cd_lo = _mm512_unpacklo_epi8(c, d), cd_hi = _mm512_unpackhi_epi8(c, d);
    const __m512i z0 = _mm512_unpacklo_epi16(ab_lo, cd_lo), z1 = _mm512_unpackhi_epi16(ab_lo, cd_lo);
    const __m512i z2 = _mm512_unpacklo_epi16(ab_hi, cd_hi), z3 = _mm512_unpackhi_epi16(ab_hi, cd_hi);
    const __m512i t0 = _mm512_shuffle_i64x2(z0, z1, 0x44), t1 = _mm512_shuffle_i64x2(z0, z1, 0xEE);
    const __m512i t2 = _mm512_shuffle_i64x2(z2, z3, 0x44), t3 = _mm512_shuffle_i64x2(z2, z3, 0xEE);
    uint8_t* o = dst + q * 4 * kQuadPanel;
    _mm512_storeu_si512(o, _mm512_shuffle_i64x2(t0, t2, 0x88));
    _mm512_storeu_si512(o + panel_bytes, _mm512_shuffle_i64x2(t0, t2, 0xDD));
    _mm512_storeu_si512(o + 2 * panel_bytes, _mm512_shuffle_i64x2(t1, t3, 0x88));
    _mm512_storeu_si512(o + 3 * panel_bytes, _mm512_shuffle_i64x2(t1, t3, 0xDD));
  }
}
// The last, partial panel (n < 16 pixels of each row readable): the SSE2
// transpose (store_quads_sse2) on masked loads, the missing pixels 0 (the
// scalar loop had been most of the packing of 56-pixel rows' bands).
template <typename Row>
__attribute__((target("avx512f,avx512bw,avx512vl"))) void pack_partial_panel_avx512(const Row& row_at, int64_t k,
                                                                                  int64_t panel, int64_t n,
                                                                                  int64_t quads, uint8_t* dst) {
  const __m128i flip = _mm_set1_epi8(static_cast<char>(0x80));
  const auto valid = static_cast<__mmask16>((1u << n) - 1);
  for (int64_t q = 0; q < quads; ++q) {
    __m128i v[4];
    for (int j = 0; j < 4; ++j) {
      const int64_t r = 4 * q + j;
      v[j] = r < k ? _mm_maskz_mov_epi8(valid, _mm_xor_si128(_mm_maskz_loadu_epi8(valid, row_at(r) + panel * kQuadPanel), flip))
                   : _mm_setzero_si128();
    }
    store_quads_sse2(v[0], v[1], v[2], v[3], dst + q * 4 * kQuadPanel);
  }
}
RKNNC_AVX512_DIAGNOSTICS_END
#endif

// K rows of P pixels, row r at row(r); `whole`: every row readable for whole
// panels (the SSE2 transpose also for the last one).
template <typename Row>
void pack_rows(const Row& row, int64_t k, int64_t p, bool whole, QuadPixels& out, ThreadPool* pool) {
  allocate(out, k, p);
  const int64_t panel_bytes = out.quads * 4 * kQuadPanel;
  const int64_t readable = whole ? out.panels : p / kQuadPanel;  // panels every row can be read for whole
#if defined(__x86_64__)
  const bool wide = cpu_features().avx512;
#endif
  over_panels(out, pool, [&](int64_t b, int64_t e) {
    for (int64_t panel = b; panel < e; ++panel) {
      uint8_t* dst = out.data.data() + panel * panel_bytes;
#if defined(__x86_64__)
      if (wide && panel + 4 <= e && panel + 4 <= readable) {
        pack_4_panels_avx512(row, k, panel, out.quads, dst, panel_bytes);
        panel += 3;
        continue;
      }
#endif
#if defined(__SSE2__)
      if (whole || (panel + 1) * kQuadPanel <= p) {
        pack_panel_sse2(row, k, panel, out.quads, dst);
        continue;
      }
#endif
#if defined(__x86_64__)
      if (wide) {
        pack_partial_panel_avx512(row, k, panel, p - panel * kQuadPanel, out.quads, dst);
        continue;
      }
#endif
      pack_panel_scalar(row, k, p, panel, out.quads, dst);
    }
  });
}

}  // namespace

QuadIsa quad_isa() {
  const CpuFeatures& f = cpu_features();
#if defined(__x86_64__)
  if (f.avx512_vnni) return QuadIsa::Vnni;
  if (f.avx2_fma) return QuadIsa::Avx2;
#else
  (void)f;
#endif
  return QuadIsa::Reference;
}

const char* quad_isa_name(QuadIsa isa) {
  switch (isa) {
    case QuadIsa::Vnni: return "avx512-vnni";
    case QuadIsa::Avx2: return "avx2";
    case QuadIsa::Reference: break;
  }
  return "reference";
}

QuadWeights pack_quad_weights(const int8_t* w, int64_t m, int64_t k, int32_t zx) {
  QuadWeights out;
  out.m = m, out.k = k, out.quads = (k + 3) / 4, out.blocks = (m + kQuadBlock - 1) / kQuadBlock;
  out.data.resize(static_cast<size_t>(out.blocks * out.quads * 4 * kQuadBlock));
  out.corr.assign(static_cast<size_t>(out.blocks * kQuadBlock), 0);
  int8_t* dst = out.data.data();
  for (int64_t block = 0; block < out.blocks; ++block)
    for (int64_t q = 0; q < out.quads; ++q)
      for (int64_t r = 0, c = block * kQuadBlock; r < kQuadBlock; ++r, ++c)
        for (int64_t j = 0, i = 4 * q; j < 4; ++j, ++i) *dst++ = c < m && i < k ? w[c * k + i] : int8_t{0};
  for (int64_t c = 0; c < m; ++c) {
    int64_t sum = 0;
    for (int64_t i = 0; i < k; ++i) sum += w[c * k + i];
    // Modulo 2^32 like the sums it corrects (exact whenever the result fits int32).
    out.corr[c] = static_cast<int32_t>(static_cast<uint32_t>((128 + zx) * sum));
  }
  return out;
}

void pack_quad_pixels(const int8_t* x, int64_t k, int64_t p, int64_t stride, QuadPixels& out, ThreadPool* pool) {
  pack_rows([x, stride](int64_t r) { return x + r * stride; }, k, p, false, out, pool);
}

void pack_quad_offsets(const int8_t* x, const int64_t* off, int64_t k, int64_t p, QuadPixels& out, ThreadPool* pool) {
  pack_rows([x, off](int64_t r) { return x + off[r]; }, k, p, true, out, pool);
}

void pack_quad_rows(const int8_t* x, int64_t p, int64_t k, QuadPixels& out, ThreadPool* pool) {
  allocate(out, k, p);
  over_panels(out, pool, [&](int64_t b, int64_t e) {
    for (int64_t panel = b; panel < e; ++panel) {
      uint8_t* dst = out.data.data() + panel * out.quads * 4 * kQuadPanel;
      for (int64_t q = 0; q < out.quads; ++q)
        for (int64_t i = 0; i < kQuadPanel; ++i)
          for (int64_t j = 0; j < 4; ++j) {
            const int64_t px = panel * kQuadPanel + i, col = 4 * q + j;
            dst[(q * kQuadPanel + i) * 4 + j] = px < p && col < k ? to_u8(x[px * k + col]) : uint8_t{0};
          }
    }
  });
}

}  // namespace rknnc::runtime::kernels
