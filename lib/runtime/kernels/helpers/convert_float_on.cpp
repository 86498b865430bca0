#include "runtime/kernels/helpers/convert_float_on.h"

#include "ir/convert_float.h"

namespace rknnc::runtime::kernels {

ir::Tensor convert_float_on(ThreadPool& pool, const ir::Tensor& t, ir::DataType to) {
  const bool narrow = t.dtype() == ir::DataType::Float32 && to == ir::DataType::Float16;
  const bool widen = t.dtype() == ir::DataType::Float16 && to == ir::DataType::Float32;
  if (!narrow && !widen) return ir::convert_float(t, to);
  ir::Tensor out = ir::Tensor::unfilled(to, t.shape());
  pool.parallel_for(t.numel(), 2, [&](int64_t b, int64_t e) {  // the pool sizes the chunks, as unary() does
    if (narrow)
      ir::floats_to_halves(t.data<float>() + b, static_cast<uint16_t*>(out.raw()) + b, e - b);
    else
      ir::halves_to_floats(static_cast<const uint16_t*>(t.raw()) + b, out.data<float>() + b, e - b);
  });
  return out;
}

void round_to_halves_on(ThreadPool& pool, ir::Tensor& t) {
  float* data = t.data<float>();
  pool.parallel_for(t.numel(), 2, [&](int64_t b, int64_t e) { ir::round_to_halves(data + b, e - b); });
}

}  // namespace rknnc::runtime::kernels
