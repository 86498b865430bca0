#pragma once
// Shape checks and geometry shared by the fp32 and int8 Conv kernels.
#include "runtime/kernels/helpers/window.h"

namespace rknnc::runtime::kernels {

struct ConvShape {
  int64_t n = 0, c = 0, m = 0;  // images, input channels, output channels
  int64_t group = 1, cg = 0, mg = 0;  // groups, input / output channels per group
  Window w;
  bool depthwise() const { return cg == 1 && mg == 1; }
  // 1x1, stride 1, no padding: the input is its own im2col matrix.
  bool pointwise() const;
};

// Conv(X[N,C,spatial], W[M,C/group,k...], B[M]?): validates the shapes and
// attributes (ctx.fail names the node) and sets output 0 to N,M,out... of
// `dtype`, zero-filled unless `zeroed` is false (the caller writes every element).
ConvShape conv_shape(KernelContext& ctx, ir::DataType dtype, bool zeroed = true);
// The same checks for an input of (logical) shape x, without the output.
ConvShape conv_geometry(const KernelContext& ctx, const ir::Shape& x);

}  // namespace rknnc::runtime::kernels
