#include <limits>

#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/pool.h"

namespace rknnc::runtime::kernels {
namespace {

template <typename T>
void max_pool_kernel(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  if (ctx.outputs.size() > 1 && !ctx.node.outputs[1].empty()) ctx.fail("the Indices output is not supported");
  if (ctx.attrs().get_int("storage_order", 0) != 0) ctx.fail("storage_order 1 is not supported");
  const Window w = sliding_window(ctx, spatial_dims(ctx, x.shape()), ctx.attrs().get_ints("kernel_shape"), true);
  ir::Tensor& y = ctx.set_output(0, x.dtype(), window_output_shape(x.shape()[0], x.shape()[1], w));
  pool_windows<T>(ctx, x, w, y, [](const T* plane, const std::vector<int64_t>& offs, int64_t) {
    T m = std::numeric_limits<T>::lowest();
    for (int64_t o : offs) m = plane[o] > m ? plane[o] : m;
    return m;
  });
}

RKNNC_TYPED_KERNELS("MaxPool", max_pool_kernel, float, int8_t, uint8_t);

}  // namespace
}  // namespace rknnc::runtime::kernels
