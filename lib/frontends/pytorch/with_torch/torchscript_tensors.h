#pragma once
// libtorch tensors as rknnc's: element types, quantisation parameters and
// constant values (torch.onnx.export's conventions).
#include <ATen/ATen.h>

#include <string>

#include "frontends/pytorch/torch_graph.h"

namespace rknnc::frontends::pytorch {

// The IR type of a tensor type; fails naming `what` for the others.
ir::DataType ir_dtype(at::ScalarType t, const std::string& what);
// Per-tensor or per-channel scales and zero points of a quantised tensor.
QuantParams quant_params(const at::Tensor& t);
// A constant's value (float64 / float16 become float32; quantised: its int values).
ir::Tensor to_ir_tensor(at::Tensor t, const std::string& what);

}  // namespace rknnc::frontends::pytorch
