#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "runtime/kernels/helpers/convert_float_on.h"
#include "runtime/kernels/helpers/dispatch.h"
#include "util/half.h"

namespace rknnc::runtime::kernels {
namespace {

struct Half {
  uint16_t bits;
};

template <typename F>
void visit_type(const KernelContext& ctx, ir::DataType t, F&& f) {
  switch (t) {
    case ir::DataType::Float32: return f(TypeTag<float>{});
    case ir::DataType::Float64: return f(TypeTag<double>{});
    case ir::DataType::Float16: return f(TypeTag<Half>{});
    case ir::DataType::Int8: return f(TypeTag<int8_t>{});
    case ir::DataType::UInt8: return f(TypeTag<uint8_t>{});
    case ir::DataType::Int16: return f(TypeTag<int16_t>{});
    case ir::DataType::UInt16: return f(TypeTag<uint16_t>{});
    case ir::DataType::Int32: return f(TypeTag<int32_t>{});
    case ir::DataType::UInt32: return f(TypeTag<uint32_t>{});
    case ir::DataType::Int64: return f(TypeTag<int64_t>{});
    case ir::DataType::UInt64: return f(TypeTag<uint64_t>{});
    case ir::DataType::Bool: return f(TypeTag<bool>{});
    default: ctx.fail("cast from or to {} is not supported", ir::dtype_name(t));
  }
}

// Float to integer saturates (NaN -> 0) instead of the undefined C++ conversion.
template <typename D, typename S>
D convert(S s) {
  if constexpr (std::is_same_v<S, Half>) {
    return convert<D>(half_to_float(s.bits));
  } else if constexpr (std::is_same_v<D, Half>) {
    return Half{float_to_half(static_cast<float>(s))};
  } else if constexpr (std::is_same_v<D, bool>) {
    return s != S{0};
  } else if constexpr (std::is_integral_v<D> && std::is_floating_point_v<S>) {
    if (std::isnan(s)) return D{0};
    if (s <= static_cast<S>(std::numeric_limits<D>::lowest())) return std::numeric_limits<D>::lowest();
    if (s >= static_cast<S>(std::numeric_limits<D>::max())) return std::numeric_limits<D>::max();
    return static_cast<D>(s);
  } else {
    return static_cast<D>(s);
  }
}

void cast_any(KernelContext& ctx) {
  const ir::Tensor& x = ctx.in(0);
  const auto to = static_cast<ir::DataType>(ctx.attrs().get_int("to", 0));
  const bool floats = x.dtype() == ir::DataType::Float32 || x.dtype() == ir::DataType::Float16;
  if (floats && x.dtype() != to && (to == ir::DataType::Float32 || to == ir::DataType::Float16)) {
    ctx.outputs[0] = convert_float_on(ctx.pool, x, to);  // the same bytes as convert<>, on the pool and F16C
    return;
  }
  ir::Tensor& y = ctx.set_output(0, to, x.shape());
  visit_type(ctx, x.dtype(), [&](auto src_tag) {
    using S = typename decltype(src_tag)::type;
    visit_type(ctx, to, [&](auto dst_tag) {
      using D = typename decltype(dst_tag)::type;
      const auto* src = static_cast<const S*>(x.raw());
      auto* dst = static_cast<D*>(y.raw());
      for (int64_t i = 0; i < x.numel(); ++i) dst[i] = convert<D>(src[i]);
    });
  });
}

RKNNC_KERNEL("Cast", kAnyType, cast_any);

}  // namespace
}  // namespace rknnc::runtime::kernels
