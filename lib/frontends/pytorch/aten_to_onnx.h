#pragma once
// The executed TorchScript graph (torch_graph.h) as an ONNX model: each aten /
// quantized op becomes the nodes torch.onnx.export writes for it (opset 17),
// quantised tensors become QuantizeLinear / DequantizeLinear pairs.
#include <onnx/onnx_pb.h>

#include <string>

#include "frontends/pytorch/torch_graph.h"

namespace rknnc::frontends::pytorch {

onnx::ModelProto to_onnx_model(const TorchGraph& graph, const std::string& file);

}  // namespace rknnc::frontends::pytorch
