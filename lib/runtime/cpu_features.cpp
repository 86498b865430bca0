#include "runtime/cpu_features.h"

#include <cstdlib>
#include <string>

#include "util/error.h"

namespace rknnc::runtime {
namespace {

CpuFeatures detect() {
  CpuFeatures f;
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  // F16C too (every AVX2 CPU has it): the tiles round float16 outputs with it.
  f.avx2_fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
  f.avx512 = f.avx2_fma && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
  f.avx512_vnni = f.avx512 && __builtin_cpu_supports("avx512vnni");
  f.avx512_vbmi = f.avx512 && __builtin_cpu_supports("avx512vbmi");
#endif
  return f;
}

CpuFeatures capped(CpuFeatures f, const char* isa) {
  if (!isa || !*isa) return f;
  const std::string v = isa;
  if (v == "avx512") return f;
  if (v == "avx2") {
    f.avx512 = f.avx512_vnni = f.avx512_vbmi = false;
    return f;
  }
  if (v == "generic") return CpuFeatures{};
  fail("RKNNC_ISA={}: use generic, avx2 or avx512 (or unset it to use everything this CPU has)", v);
}

}  // namespace

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = capped(detect(), std::getenv("RKNNC_ISA"));
  return features;
}

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::Avx512: return "avx512";
    case Isa::Avx2: return "avx2";
    case Isa::Generic: break;
  }
  return "generic";
}

}  // namespace rknnc::runtime
