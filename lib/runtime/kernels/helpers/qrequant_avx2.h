#pragma once
// requant_row on AVX2: narrow channels 32 outputs a step (Requant4's
// magnitudes in eight lanes, two rounds of saturating packs, the clamp on
// bytes), the rest through requant_row. The same bytes as requant_row.
#include "runtime/kernels/helpers/qrequant.h"

namespace rknnc::runtime::kernels {

// Needs AVX2.
void requant_row_avx2(const RequantPlan& plan, int64_t c, const int32_t* acc, int64_t n, int8_t* y);

}  // namespace rknnc::runtime::kernels
