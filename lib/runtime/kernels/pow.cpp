#include <cmath>

#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

// Pow(X, Y): output has X's type; Y may be any numeric type (opset 12+).
template <typename T, typename E>
void pow_typed(KernelContext& ctx) {
  binary<T, E, T>(ctx, [](T a, E b) {
    return static_cast<T>(std::pow(static_cast<double>(a), static_cast<double>(b)));
  });
}

template <typename T>
void pow_kernel(KernelContext& ctx) {
  switch (ctx.in(1).dtype()) {
    case ir::DataType::Float32: return pow_typed<T, float>(ctx);
    case ir::DataType::Float64: return pow_typed<T, double>(ctx);
    case ir::DataType::Int32: return pow_typed<T, int32_t>(ctx);
    case ir::DataType::Int64: return pow_typed<T, int64_t>(ctx);
    case ir::DataType::UInt32: return pow_typed<T, uint32_t>(ctx);
    case ir::DataType::UInt64: return pow_typed<T, uint64_t>(ctx);
    default: ctx.fail("exponent type {} is not supported", ir::dtype_name(ctx.in(1).dtype()));
  }
}

RKNNC_TYPED_KERNELS("Pow", pow_kernel, float, double, int32_t, int64_t);

}  // namespace
}  // namespace rknnc::runtime::kernels
