#pragma once
// Shape checks and geometry shared by the fp32 and int8 ConvTranspose kernels.
#include "runtime/kernels/helpers/window.h"

namespace rknnc::runtime::kernels {

struct ConvTransposeShape {
  int64_t n = 0, c = 0, m = 0;  // images, input channels, output channels
  int64_t group = 1, cg = 0, mg = 0;  // groups, input / output channels per group
  // The geometry as the Window of the adjoint Conv: that conv reads the
  // ConvTranspose output (w.in) and produces its input (w.out).
  Window w;
};

// ConvTranspose(X[N,C,spatial], W[C,M/group,k...], B[M]?): validates the shapes
// and attributes (ctx.fail names the node) and sets output 0 to N,M,out... of `dtype`.
ConvTransposeShape conv_transpose_shape(KernelContext& ctx, ir::DataType dtype);

}  // namespace rknnc::runtime::kernels
