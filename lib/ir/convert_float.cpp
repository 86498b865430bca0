#include "ir/convert_float.h"

#include "util/half.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace rknnc::ir {
namespace {

void floats_to_halves_scalar(const float* src, uint16_t* dst, int64_t n) {
  for (int64_t i = 0; i < n; ++i) dst[i] = float_to_half(src[i]);
}

void halves_to_floats_scalar(const uint16_t* src, float* dst, int64_t n) {
  for (int64_t i = 0; i < n; ++i) dst[i] = half_to_float(src[i]);
}

void round_to_halves_scalar(float* data, int64_t n) {
  for (int64_t i = 0; i < n; ++i) data[i] = half_to_float(float_to_half(data[i]));
}

#if defined(__x86_64__)
// F16C converts 8 values an instruction with the same round-to-nearest-even
// and NaN as float_to_half.
__attribute__((target("avx2,f16c"))) void floats_to_halves_f16c(const float* src, uint16_t* dst, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i),
                     _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT));
  floats_to_halves_scalar(src + i, dst + i, n - i);
}

__attribute__((target("avx2,f16c"))) void halves_to_floats_f16c(const uint16_t* src, float* dst, int64_t n) {
  const __m128i exp = _mm_set1_epi16(0x7c00);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
    _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(h));
    // exponent all ones: inf or NaN (the scalar routine keeps a NaN signalling)
    if (_mm_movemask_epi8(_mm_cmpeq_epi16(_mm_and_si128(h, exp), exp))) halves_to_floats_scalar(src + i, dst + i, 8);
  }
  halves_to_floats_scalar(src + i, dst + i, n - i);
}

// Both conversions in registers: the halves they round to are those of
// float_to_half, and widening one made by narrowing (never a signalling NaN)
// gives half_to_float's bits.
__attribute__((target("avx2,f16c"))) void round_to_halves_f16c(float* data, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(data + i, _mm256_cvtph_ps(_mm256_cvtps_ph(_mm256_loadu_ps(data + i), _MM_FROUND_TO_NEAREST_INT)));
  round_to_halves_scalar(data + i, n - i);
}

bool has_f16c() {
  static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("f16c");
  return yes;
}
#endif

}  // namespace

void floats_to_halves(const float* src, uint16_t* dst, int64_t n) {
#if defined(__x86_64__)
  if (has_f16c()) return floats_to_halves_f16c(src, dst, n);
#endif
  floats_to_halves_scalar(src, dst, n);
}

void halves_to_floats(const uint16_t* src, float* dst, int64_t n) {
#if defined(__x86_64__)
  if (has_f16c()) return halves_to_floats_f16c(src, dst, n);
#endif
  halves_to_floats_scalar(src, dst, n);
}

void round_to_halves(float* data, int64_t n) {
#if defined(__x86_64__)
  if (has_f16c()) return round_to_halves_f16c(data, n);
#endif
  round_to_halves_scalar(data, n);
}

Tensor convert_float(const Tensor& t, DataType to) {
  if (t.dtype() == to) return t;
  if (t.dtype() == DataType::Float32 && to == DataType::Float16) {
    Tensor out = Tensor::unfilled(to, t.shape());
    floats_to_halves(t.data<float>(), static_cast<uint16_t*>(out.raw()), t.numel());
    return out;
  }
  if (t.dtype() == DataType::Float16 && to == DataType::Float32) {
    Tensor out = Tensor::unfilled(to, t.shape());
    halves_to_floats(static_cast<const uint16_t*>(t.raw()), out.data<float>(), t.numel());
    return out;
  }
  return t;
}

}  // namespace rknnc::ir
