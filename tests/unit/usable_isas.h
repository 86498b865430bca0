#pragma once
// The instruction sets of the fp32 kernels this CPU runs (capped by
// RKNNC_ISA), for tests that compare every path.
#include <vector>

#include "runtime/cpu_features.h"

inline std::vector<rknnc::runtime::Isa> usable_fp32_isas() {
  using rknnc::runtime::Isa;
  std::vector<Isa> isas{Isa::Generic};
  if (rknnc::runtime::cpu_features().avx2_fma) isas.push_back(Isa::Avx2);
  if (rknnc::runtime::cpu_features().avx512) isas.push_back(Isa::Avx512);
  return isas;
}
