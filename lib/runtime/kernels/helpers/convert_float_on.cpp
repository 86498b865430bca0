#include "runtime/kernels/helpers/convert_float_on.h"

#include <algorithm>

#include "ir/convert_float.h"

namespace rknnc::runtime::kernels {

ir::Tensor convert_float_on(ThreadPool& pool, const ir::Tensor& t, ir::DataType to) {
  const bool narrow = t.dtype() == ir::DataType::Float32 && to == ir::DataType::Float16;
  const bool widen = t.dtype() == ir::DataType::Float16 && to == ir::DataType::Float32;
  if (!narrow && !widen) return ir::convert_float(t, to);
  ir::Tensor out = ir::Tensor::unfilled(to, t.shape());
  constexpr int64_t kPiece = 1 << 14;  // values
  const int64_t n = t.numel();
  pool.parallel_for((n + kPiece - 1) / kPiece, kPiece, [&](int64_t b, int64_t e) {
    const int64_t lo = b * kPiece, len = std::min(n, e * kPiece) - lo;
    if (narrow)
      ir::floats_to_halves(t.data<float>() + lo, static_cast<uint16_t*>(out.raw()) + lo, len);
    else
      ir::halves_to_floats(static_cast<const uint16_t*>(t.raw()) + lo, out.data<float>() + lo, len);
  });
  return out;
}

}  // namespace rknnc::runtime::kernels
