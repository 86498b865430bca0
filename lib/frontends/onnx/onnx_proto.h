#pragma once
// Private helpers of the ONNX frontend: protobuf <-> IR conversions.
#include <onnx/onnx_pb.h>

#include <filesystem>

#include "ir/graph.h"

namespace rknnc::frontends::onnx_detail {

// Reads and parses a .onnx file; one-line errors for missing, empty,
// truncated or non-ONNX files and for external data.
onnx::ModelProto read_model_file(const std::filesystem::path& path);
ir::DataType to_ir_type(int32_t onnx_type, const std::string& what);
int32_t to_onnx_type(ir::DataType t);
ir::Tensor to_ir_tensor(const onnx::TensorProto& t, const std::string& what);
void to_onnx_tensor(const ir::Tensor& t, onnx::TensorProto& out);
ir::Attribute to_ir_attribute(const onnx::AttributeProto& a, const std::string& node);
// Value info from a ValueInfoProto; has_shape false when the type has no shape.
ir::ValueInfo to_ir_value_info(const onnx::ValueInfoProto& v);

}  // namespace rknnc::frontends::onnx_detail
