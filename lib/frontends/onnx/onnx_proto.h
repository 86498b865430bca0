#pragma once
// Private helpers of the ONNX frontend: protobuf <-> IR conversions.
#include <onnx/onnx_pb.h>

#include <filesystem>

#include "ir/graph.h"

namespace rknnc::frontends::onnx_detail {

// Reads and parses a .onnx file; one-line errors for missing, empty,
// truncated or non-ONNX files.
onnx::ModelProto read_model_file(const std::filesystem::path& path);
ir::DataType to_ir_type(int32_t onnx_type, const std::string& what);
int32_t to_onnx_type(ir::DataType t);
// `what` names the tensor in errors ("model.onnx: initializer 'w'"): its
// size, external data and dims are checked before anything is allocated.
ir::Tensor to_ir_tensor(const onnx::TensorProto& t, const std::string& what);
void to_onnx_tensor(const ir::Tensor& t, onnx::TensorProto& out);
// `node` names the node in errors ("model.onnx: node 'conv1'").
ir::Attribute to_ir_attribute(const onnx::AttributeProto& a, const std::string& node);
// Value info from a ValueInfoProto; has_shape false when the type has no shape.
// A static shape over ir::kMaxTensorElements is an error naming `file` and the tensor.
ir::ValueInfo to_ir_value_info(const onnx::ValueInfoProto& v, const std::string& file);

}  // namespace rknnc::frontends::onnx_detail
