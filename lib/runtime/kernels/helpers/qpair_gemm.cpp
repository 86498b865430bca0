#include "runtime/kernels/helpers/qpair_gemm.h"

#include <algorithm>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace rknnc::runtime::kernels {
namespace {

constexpr int64_t kPanel = 8;  // pixels per panel (two SSE2 registers of pairs)
constexpr int64_t kBlock = 4;  // output channels per register tile

inline int16_t centred(int8_t v, int32_t zx) { return static_cast<int16_t>(v - zx); }
inline int16_t centred(int16_t v, int32_t) { return v; }

// One panel, element by element: the last, partial panel, and builds without SSE2.
template <typename T>
void pack_panel_scalar(const T* x, int32_t zx, int64_t k, int64_t p, int64_t panel, int64_t pairs, int16_t* dst) {
  for (int64_t kp = 0; kp < pairs; ++kp)
    for (int64_t i = 0; i < kPanel; ++i)
      for (int64_t j = 0; j < 2; ++j) {
        const int64_t row = 2 * kp + j, px = panel * kPanel + i;
        dst[(kp * kPanel + i) * 2 + j] = row < k && px < p ? centred(x[row * p + px], zx) : int16_t{0};
      }
}

#if defined(__SSE2__)
// Eight values of a row as int16, minus the zero point.
inline __m128i load8(const int8_t* x, __m128i zx) {
  const __m128i b = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(x));
  return _mm_sub_epi16(_mm_srai_epi16(_mm_unpacklo_epi8(b, b), 8), zx);
}
inline __m128i load8(const int16_t* x, __m128i) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(x)); }

template <typename T>
void pack_panel_sse2(const T* x, int32_t zx, int64_t k, int64_t p, int64_t panel, int64_t pairs, int16_t* dst) {
  const __m128i z = _mm_set1_epi16(static_cast<int16_t>(zx));
  const T* col = x + panel * kPanel;
  for (int64_t kp = 0; kp < pairs; ++kp) {
    const __m128i a = load8(col + 2 * kp * p, z);
    const __m128i b = 2 * kp + 1 < k ? load8(col + (2 * kp + 1) * p, z) : _mm_setzero_si128();
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + kp * 16), _mm_unpacklo_epi16(a, b));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + kp * 16 + 8), _mm_unpackhi_epi16(a, b));
  }
}
#endif

template <typename T>
PackedPixels pack(const T* x, int32_t zx, int64_t k, int64_t p, ThreadPool* pool) {
  PackedPixels out;
  out.k = k, out.pairs = (k + 1) / 2, out.pixels = p, out.panels = (p + kPanel - 1) / kPanel;
  out.data.resize(static_cast<size_t>(out.panels * out.pairs * 2 * kPanel));
  auto body = [&](int64_t b, int64_t e) {
    for (int64_t panel = b; panel < e; ++panel) {
      int16_t* dst = out.data.data() + panel * out.pairs * 2 * kPanel;
#if defined(__SSE2__)
      if ((panel + 1) * kPanel <= p) {
        pack_panel_sse2(x, zx, k, p, panel, out.pairs, dst);
        continue;
      }
#endif
      pack_panel_scalar(x, zx, k, p, panel, out.pairs, dst);
    }
  };
  if (pool)
    pool->parallel_for(out.panels, out.pairs * 2 * kPanel, body);
  else
    body(0, out.panels);
  return out;
}

// data[((block·pairs + kp)·4 + r)·2 + j] = w[(4·block + r)·k + 2kp + j], 0 beyond m and k.
std::vector<int16_t> pack_weights(const int8_t* w, int64_t m, int64_t k, int64_t pairs) {
  std::vector<int16_t> out(static_cast<size_t>((m + kBlock - 1) / kBlock * pairs * 2 * kBlock), 0);
  for (int64_t c = 0; c < m; ++c)
    for (int64_t i = 0; i < k; ++i) out[((c / kBlock * pairs + i / 2) * kBlock + c % kBlock) * 2 + i % 2] = w[c * k + i];
  return out;
}

// acc[r·stride + i] = Σ_kp Σ_j wb[kp][r][j] · xp[kp][i][j]: one 4-channel × 8-pixel tile.
void tile(const int16_t* xp, const int16_t* wb, int64_t pairs, int32_t* acc, int64_t stride) {
#if defined(__SSE2__)
  __m128i s00 = _mm_setzero_si128(), s01 = s00, s10 = s00, s11 = s00, s20 = s00, s21 = s00, s30 = s00, s31 = s00;
  for (int64_t kp = 0; kp < pairs; ++kp) {
    const __m128i x0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(xp + kp * 16));
    const __m128i x1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(xp + kp * 16 + 8));
    const __m128i wv = _mm_loadu_si128(reinterpret_cast<const __m128i*>(wb + kp * 8));
    __m128i w = _mm_shuffle_epi32(wv, 0x00);
    s00 = _mm_add_epi32(s00, _mm_madd_epi16(x0, w));
    s01 = _mm_add_epi32(s01, _mm_madd_epi16(x1, w));
    w = _mm_shuffle_epi32(wv, 0x55);
    s10 = _mm_add_epi32(s10, _mm_madd_epi16(x0, w));
    s11 = _mm_add_epi32(s11, _mm_madd_epi16(x1, w));
    w = _mm_shuffle_epi32(wv, 0xAA);
    s20 = _mm_add_epi32(s20, _mm_madd_epi16(x0, w));
    s21 = _mm_add_epi32(s21, _mm_madd_epi16(x1, w));
    w = _mm_shuffle_epi32(wv, 0xFF);
    s30 = _mm_add_epi32(s30, _mm_madd_epi16(x0, w));
    s31 = _mm_add_epi32(s31, _mm_madd_epi16(x1, w));
  }
  const __m128i rows[kBlock][2] = {{s00, s01}, {s10, s11}, {s20, s21}, {s30, s31}};
  for (int r = 0; r < kBlock; ++r)
    for (int h = 0; h < 2; ++h) _mm_storeu_si128(reinterpret_cast<__m128i*>(acc + r * stride + 4 * h), rows[r][h]);
#else
  for (int r = 0; r < kBlock; ++r)
    for (int i = 0; i < kPanel; ++i) {
      int32_t s = 0;
      for (int64_t kp = 0; kp < pairs; ++kp)
        s += wb[(kp * kBlock + r) * 2] * xp[(kp * kPanel + i) * 2] + wb[(kp * kBlock + r) * 2 + 1] * xp[(kp * kPanel + i) * 2 + 1];
      acc[r * stride + i] = s;
    }
#endif
}

}  // namespace

PackedPixels pack_pixels(const int8_t* x, int32_t zx, int64_t k, int64_t p, ThreadPool* pool) {
  return pack(x, zx, k, p, pool);
}

PackedPixels pack_pixels(const int16_t* x, int64_t k, int64_t p, ThreadPool* pool) { return pack(x, 0, k, p, pool); }

void qpair_gemm(const int8_t* w, int64_t m, const PackedPixels& x, const RequantPlan& plan, int64_t c0, int8_t* y,
                ThreadPool* pool) {
  const std::vector<int16_t> wp = pack_weights(w, m, x.k, x.pairs);
  const int64_t blocks = (m + kBlock - 1) / kBlock, panel_size = x.pairs * 2 * kPanel, block_size = x.pairs * 2 * kBlock;
  // Channel block outer (its weights stay in L1), the chunk's panels inner;
  // the sums of a block are requantised as whole rows.
  auto body = [&](int64_t b, int64_t e) {
    const int64_t p0 = b * kPanel, n = std::min(e * kPanel, x.pixels) - p0;
    std::vector<int32_t> rows(static_cast<size_t>(kBlock * (e - b) * kPanel));
    const int64_t stride = (e - b) * kPanel;
    for (int64_t block = 0; block < blocks; ++block) {
      for (int64_t panel = b; panel < e; ++panel)
        tile(x.data.data() + panel * panel_size, wp.data() + block * block_size, x.pairs,
             rows.data() + (panel - b) * kPanel, stride);
      for (int64_t r = 0, c = block * kBlock; r < kBlock && c < m; ++r, ++c)
        requant_row(plan, c0 + c, rows.data() + r * stride, n, y + c * x.pixels + p0);
    }
  };
  if (pool)
    pool->parallel_for(x.panels, blocks * block_size * kPanel, body);
  else
    body(0, x.panels);
}

}  // namespace rknnc::runtime::kernels
