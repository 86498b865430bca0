#include <cmath>
#include <type_traits>

#include "runtime/kernels/helpers/dispatch.h"
#include "runtime/kernels/helpers/elementwise.h"

namespace rknnc::runtime::kernels {
namespace {

// fmod = 1: C fmod (sign of the dividend). fmod = 0 (integers only): the
// remainder takes the divisor's sign, like Python's %. A zero divisor gives 0.
template <typename T>
void mod_kernel(KernelContext& ctx) {
  const bool fmod = ctx.attrs().get_int("fmod", 0) != 0;
  if constexpr (std::is_floating_point_v<T>) {
    if (!fmod) ctx.fail("fmod = 0 is only defined for integer inputs; set fmod = 1");
    binary<T>(ctx, [](T a, T b) { return static_cast<T>(std::fmod(a, b)); });
  } else if constexpr (std::is_unsigned_v<T>) {  // both fmod modes agree without signs
    binary<T>(ctx, [](T a, T b) -> T { return b == 0 ? T{0} : static_cast<T>(a % b); });
  } else {
    binary<T>(ctx, [fmod](T a, T b) -> T {
      if (b == 0) return 0;
      T r = static_cast<T>(a % b);
      if (!fmod && r != 0 && ((r < 0) != (b < 0))) r = static_cast<T>(r + b);
      return r;
    });
  }
}

RKNNC_TYPED_KERNELS("Mod", mod_kernel, RKNNC_NUMERIC_TYPES);

}  // namespace
}  // namespace rknnc::runtime::kernels
