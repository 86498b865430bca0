#include <algorithm>
#include <limits>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "ir/quant_params.h"
#include "runtime/cpu_features.h"
#include "runtime/kernels/helpers/linear_quant.h"
#include "util/avx512_diagnostics.h"

namespace rknnc::runtime::kernels {
namespace {

#if defined(__x86_64__)
RKNNC_AVX512_DIAGNOSTICS_BEGIN
// quantize_real on eight doubles at a time: the same division, round half to
// even (roundscale's nearest), NaN to the zero point, clamp; the values then
// fit T, so the low byte of each is its T. Returns how many it did.
__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl"))) int64_t quantize_avx512(const float* x, float scale,
                                                                                     int32_t zero_point, int32_t lo,
                                                                                     int32_t hi, uint8_t* y,
                                                                                     int64_t n) {
  const __m512d s = _mm512_set1_pd(scale), z = _mm512_set1_pd(zero_point);
  const __m512d l = _mm512_set1_pd(lo), h = _mm512_set1_pd(hi);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m512d v = _mm512_div_pd(_mm512_cvtps_pd(_mm256_loadu_ps(x + i)), s);
    __m512d q = _mm512_add_pd(_mm512_roundscale_pd(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC), z);
    q = _mm512_mask_mov_pd(q, _mm512_cmp_pd_mask(q, q, _CMP_UNORD_Q), z);
    q = _mm512_min_pd(_mm512_max_pd(q, l), h);
    _mm_storel_epi64(reinterpret_cast<__m128i*>(y + i), _mm512_cvtepi64_epi8(_mm512_cvtpd_epi64(q)));
  }
  return i;
}
RKNNC_AVX512_DIAGNOSTICS_END
#endif

// y = quantize_real(x, scale, zero_point) saturated to T (int8 or uint8, as
// the zero point); a run of elements shares one channel.
template <typename T>
void quantize_run(const float* x, float scale, int32_t zero_point, T* y, int64_t n) {
  constexpr int32_t lo = std::numeric_limits<T>::min(), hi = std::numeric_limits<T>::max();
  int64_t i = 0;
#if defined(__x86_64__)
  if (cpu_features().avx512) i = quantize_avx512(x, scale, zero_point, lo, hi, reinterpret_cast<uint8_t*>(y), n);
#endif
  for (; i < n; ++i) y[i] = static_cast<T>(ir::quantize_real(x[i], scale, zero_point, lo, hi));
}

template <typename T>
void quantize_into(const float* x, const LinearQuant& q, T* y, int64_t n, ThreadPool& pool) {
  if (q.scale.size() == 1) {
    pool.parallel_for(n, 1, [&](int64_t b, int64_t e) {
      quantize_run(x + b, q.scale[0], q.zero_point[0], y + b, e - b);
    });
    return;
  }
  const int64_t inner = q.split.inner, runs = inner > 0 ? n / inner : 0;
  pool.parallel_for(runs, inner, [&](int64_t b, int64_t e) {
    for (int64_t r = b; r < e; ++r) {
      const size_t c = q.channel(r * inner);
      quantize_run(x + r * inner, q.scale[c], q.zero_point[c], y + r * inner, inner);
    }
  });
}

// fill(y's data) as int8_t* or uint8_t*, as the zero point's type is.
template <typename Fill>
void with_quantized_output(const KernelContext& ctx, const LinearQuant& q, ir::Tensor& y, Fill fill) {
  if (q.zero_point_type == ir::DataType::Int8) fill(y.data<int8_t>());
  else if (q.zero_point_type == ir::DataType::UInt8) fill(y.data<uint8_t>());
  else ctx.fail("zero point type {} is not supported (int8 or uint8)", ir::dtype_name(q.zero_point_type));
}

void quantize_linear_f32(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  const LinearQuant q = linear_quant(ctx);
  ir::Tensor& y = ctx.set_output_unfilled(0, q.zero_point_type, x.shape());
  with_quantized_output(ctx, q, y, [&](auto* py) { quantize_into(x.data<float>(), q, py, x.numel(), ctx.pool); });
}

RKNNC_KERNEL("QuantizeLinear", ir::DataType::Float32, quantize_linear_f32);

// Input 3 or 4 (a Sub's or Div's constant) per channel (dim 1) of x: one
// value, or one a channel; empty when absent.
std::vector<float> channel_operand(const KernelContext& ctx, size_t in, int64_t channels) {
  const ir::Tensor* t = ctx.opt(in);
  if (!t) return {};
  if (t->dtype() != ir::DataType::Float32 || (t->numel() != 1 && t->numel() != channels))
    ctx.fail("operand {} has {} values for {} channels", in, t->numel(), channels);
  const float* v = t->data<float>();
  std::vector<float> out(static_cast<size_t>(channels));
  for (int64_t c = 0; c < channels; ++c) out[static_cast<size_t>(c)] = v[t->numel() == 1 ? 0 : c];
  return out;
}

// rknnc.NormalizeQuantize(x, scale, zero_point, sub, div): QuantizeLinear of
// (x - sub) / div, sub and div per channel (or one value) and either absent:
// the input normalisation a conversion puts before the first quantisation,
// run as one pass by the ProgramRunner instead of three (each value the
// float Sub, the float Div and quantize_real, as those kernels compute them).
void normalize_quantize_f32(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  const LinearQuant q = linear_quant(ctx);
  const ir::Shape& s = x.shape();
  if (s.size() < 2 || q.scale.size() != 1) ctx.fail("needs an N,C,... input quantised per tensor");
  const int64_t channels = s[1], plane = x.numel() / std::max<int64_t>(1, s[0] * channels);
  const std::vector<float> sub = channel_operand(ctx, 3, channels), div = channel_operand(ctx, 4, channels);
  ir::Tensor& y = ctx.set_output_unfilled(0, q.zero_point_type, s);
  const float* px = x.data<float>();
  const bool subtract = !sub.empty(), divide = !div.empty();
  with_quantized_output(ctx, q, y, [&](auto* py) {
    ctx.pool.parallel_for(s[0] * channels, plane, [&](int64_t b, int64_t e) {
      constexpr int64_t kChunk = 1024;
      float v[kChunk];
      for (int64_t r = b; r < e; ++r) {
        const int64_t c = r % channels;
        const float m = subtract ? sub[static_cast<size_t>(c)] : 0.0f, d = divide ? div[static_cast<size_t>(c)] : 1.0f;
        for (int64_t i0 = 0; i0 < plane; i0 += kChunk) {
          const int64_t n = std::min(kChunk, plane - i0);
          const float* xi = px + r * plane + i0;
          for (int64_t i = 0; i < n; ++i) {
            float t = xi[i];
            if (subtract) t = t - m;
            if (divide) t = t / d;
            v[i] = t;
          }
          quantize_run(v, q.scale[0], q.zero_point[0], py + r * plane + i0, n);
        }
      }
    });
  });
}

RKNNC_KERNEL("rknnc.NormalizeQuantize", ir::DataType::Float32, normalize_quantize_f32);

}  // namespace
}  // namespace rknnc::runtime::kernels
