#pragma once
// IEEE 754 binary16 <-> binary32, round-to-nearest-even, inf/NaN preserved.
#include <cstdint>

namespace rknnc {
float half_to_float(uint16_t h);
uint16_t float_to_half(float f);
}  // namespace rknnc
