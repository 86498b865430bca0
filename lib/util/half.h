#pragma once
// IEEE 754 binary16 <-> binary32, round-to-nearest-even, inf/NaN preserved
// (a NaN narrowed keeps the top 9 bits of its payload and becomes quiet, as
// the F16C / AVX-512 conversion instructions do, so the vector paths need no
// NaN case when narrowing).
#include <cstdint>

namespace rknnc {
float half_to_float(uint16_t h);
uint16_t float_to_half(float f);
}  // namespace rknnc
