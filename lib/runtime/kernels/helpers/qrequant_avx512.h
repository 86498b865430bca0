#pragma once
// requant_row on AVX-512 (F, BW, DQ): eight outputs per step in 64-bit lanes
// with the scalar formula itself (acc + bias, times the mantissa, branch-free
// round half away from zero, zy, clamp); narrow channels sixteen per step,
// the products of int32 lanes (vpmuldq) rounded the same way and clamped as
// int32. Every channel gives the bytes requant_row gives.
#include "runtime/kernels/helpers/qquad.h"
#include "runtime/kernels/helpers/qrequant.h"

namespace rknnc::runtime::kernels {

// requant_row, on AVX-512 when isa is Vnni (which implies it), on AVX2
// (qrequant_avx2.h) when it is Avx2.
void requant_row_on(QuadIsa isa, const RequantPlan& plan, int64_t c, const int32_t* acc, int64_t n, int8_t* y);

}  // namespace rknnc::runtime::kernels
