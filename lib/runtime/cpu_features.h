#pragma once
// The instruction sets the fast kernels may use, detected once from the CPU.
// RKNNC_ISA caps them (generic | avx2 | avx512), so tests can run the AVX2
// path on an AVX-512 machine and compare; an unknown value is an error.
namespace rknnc::runtime {

enum class Isa { Generic = 0, Avx2 = 1, Avx512 = 2 };

struct CpuFeatures {
  bool avx2_fma = false;     // AVX2 + FMA
  bool avx512 = false;       // AVX-512 F, BW, VL, DQ
  bool avx512_vnni = false;  // vpdpbusd on zmm
  bool avx512_vbmi = false;  // vpermb (byte permutes across a zmm)
  Isa best() const { return avx512 ? Isa::Avx512 : avx2_fma ? Isa::Avx2 : Isa::Generic; }
};

// Detected features capped by RKNNC_ISA. Throws rknnc::Error (naming the
// variable and its accepted values) when RKNNC_ISA is set to something else.
const CpuFeatures& cpu_features();
const char* isa_name(Isa isa);

}  // namespace rknnc::runtime
