#include "frontends/pytorch/with_torch/torchscript_tensors.h"

#include "util/error.h"

namespace rknnc::frontends::pytorch {

ir::DataType ir_dtype(at::ScalarType t, const std::string& what) {
  switch (t) {
    case at::kFloat: return ir::DataType::Float32;
    case at::kLong: return ir::DataType::Int64;
    case at::kInt: return ir::DataType::Int32;
    case at::kBool: return ir::DataType::Bool;
    case at::kByte: return ir::DataType::UInt8;
    case at::kChar: return ir::DataType::Int8;
    default: fail("{}: tensor type {} is not supported; use float32 tensors", what, c10::toString(t));
  }
}

QuantParams quant_params(const at::Tensor& t) {
  QuantParams q;
  q.dtype = t.scalar_type() == at::kQUInt8 ? ir::DataType::UInt8 : t.scalar_type() == at::kQInt32 ? ir::DataType::Int32
                                                                                                   : ir::DataType::Int8;
  if (t.qscheme() == at::kPerTensorAffine) {
    q.scales = {static_cast<float>(t.q_scale())};
    q.zero_points = {t.q_zero_point()};
  } else {
    const at::Tensor s = t.q_per_channel_scales().to(at::kFloat).contiguous();
    const at::Tensor z = t.q_per_channel_zero_points().to(at::kLong).contiguous();
    q.scales.assign(s.data_ptr<float>(), s.data_ptr<float>() + s.numel());
    q.zero_points.assign(z.data_ptr<int64_t>(), z.data_ptr<int64_t>() + z.numel());
    q.axis = t.q_per_channel_axis();
  }
  return q;
}

// Float64 / float16 constants become float32, as torch.onnx.export writes them.
ir::Tensor to_ir_tensor(at::Tensor t, const std::string& what) {
  if (t.is_quantized()) t = t.int_repr();
  if (t.scalar_type() == at::kDouble || t.scalar_type() == at::kHalf || t.scalar_type() == at::kBFloat16)
    t = t.to(at::kFloat);
  t = t.contiguous();
  const ir::Shape shape(t.sizes().begin(), t.sizes().end());
  return ir::Tensor::from_bytes(ir_dtype(t.scalar_type(), what), shape, t.data_ptr(), t.nbytes());
}

}  // namespace rknnc::frontends::pytorch
