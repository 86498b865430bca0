#pragma once
// The int8 Conv and Gemm by path: the reference kernels (the tests' oracle,
// and the path on CPUs without AVX2) and the quad product (helpers/qquad.h)
// on a given instruction set. All paths give the same bytes; the registered
// kernels pick quad_isa().
#include "runtime/kernel.h"
#include "runtime/kernels/helpers/qquad.h"

namespace rknnc::runtime::kernels {

void conv_q8_reference(KernelContext& ctx);
void conv_q8_quad(KernelContext& ctx, QuadIsa isa);  // isa: Avx2 or Vnni
// Gemm's A [m, k] and B [n, k]; fails naming the node on other attributes or shapes.
struct GemmDims {
  int64_t m, k, n;
};
GemmDims gemm_q8_dims(const KernelContext& ctx);
void gemm_q8_reference(KernelContext& ctx);
void gemm_q8_quad(KernelContext& ctx, QuadIsa isa);

// The registered kernel: the quad path on quad_isa(), else the reference.
template <void (*Reference)(KernelContext&), void (*Quad)(KernelContext&, QuadIsa)>
void by_quad_isa(KernelContext& ctx) {
  const QuadIsa isa = quad_isa();
  if (isa == QuadIsa::Reference)
    Reference(ctx);
  else
    Quad(ctx, isa);
}

}  // namespace rknnc::runtime::kernels
