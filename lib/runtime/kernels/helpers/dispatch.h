#pragma once
// Registering one kernel template for several element types:
//   RKNNC_TYPED_KERNELS("Add", add_kernel, float, int32_t, int64_t);
// registers add_kernel<float>, add_kernel<int32_t>, add_kernel<int64_t>.
#include "runtime/kernel.h"

namespace rknnc::runtime::kernels {

template <typename T> struct TypeTag { using type = T; };

template <typename... Ts, typename Make>
bool register_typed(const char* op, Make make) {
  (KernelRegistry::instance().add({op, ir::dtype_of<Ts>(), false, make(TypeTag<Ts>{})}), ...);
  return true;
}

}  // namespace rknnc::runtime::kernels

#define RKNNC_TYPED_KERNELS(op, tmpl, ...)                                                            \
  [[maybe_unused]] static const bool RKNNC_KERNEL_CAT(typed_kernels_, __COUNTER__) =                \
      ::rknnc::runtime::kernels::register_typed<__VA_ARGS__>(op, [](auto tag) -> ::rknnc::runtime::KernelFn { \
        return &tmpl<typename decltype(tag)::type>;                                                   \
      })

// Element type lists used by several kernels.
#define RKNNC_INT_TYPES int8_t, uint8_t, int16_t, uint16_t, int32_t, uint32_t, int64_t, uint64_t
#define RKNNC_NUMERIC_TYPES float, double, RKNNC_INT_TYPES
