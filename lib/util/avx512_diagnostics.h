#pragma once
// GCC 12's AVX-512 headers fill the unused half of a result with
// _mm512_undefined_epi32(), which -Wmaybe-uninitialized reports at -O3, and
// -Wuninitialized where a vector loop is inlined on a constant array. Code
// with AVX-512 intrinsics sits between these two.
#define RKNNC_AVX512_DIAGNOSTICS_BEGIN                               \
  _Pragma("GCC diagnostic push")                                     \
      _Pragma("GCC diagnostic ignored \"-Wmaybe-uninitialized\"")   \
          _Pragma("GCC diagnostic ignored \"-Wuninitialized\"")
#define RKNNC_AVX512_DIAGNOSTICS_END _Pragma("GCC diagnostic pop")
