#pragma once
// An int8 function given as its 256 results, applied to a row of bytes:
// y[i] = table[x[i] + 128]. On AVX-512 VBMI sixty-four bytes a step (two
// vpermi2b over the table's halves, the index's top bit picking one), else
// a byte at a time; the same bytes either way.
#include <cstdint>

namespace rknnc::runtime::kernels {

void lookup_byte_row(const int8_t* table, const int8_t* x, int8_t* y, int64_t n);

}  // namespace rknnc::runtime::kernels
