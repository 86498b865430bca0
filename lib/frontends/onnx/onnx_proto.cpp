#include "frontends/onnx/onnx_proto.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>

#include <fstream>

#include "util/error.h"

namespace rknnc::frontends::onnx_detail {
namespace fs = std::filesystem;

onnx::ModelProto read_model_file(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) fail_config("{}: model file not found; check model_file_path", path.string());
  if (fs::is_directory(path, ec)) fail_config("{}: is a folder, model_file_path must name an .onnx file", path.string());
  const auto size = fs::file_size(path, ec);
  if (ec || size == 0) fail("{}: model file is empty; re-export the model", path.string());
  std::ifstream in(path, std::ios::binary);
  if (!in) fail_config("{}: cannot open model file (permission?)", path.string());
  google::protobuf::io::IstreamInputStream raw(&in);
  google::protobuf::io::CodedInputStream coded(&raw);
  coded.SetTotalBytesLimit(INT32_MAX);  // ONNX's protobuf limit: 2 GB
  onnx::ModelProto model;
  if (!model.ParseFromCodedStream(&coded) || !coded.ConsumedEntireMessage())
    fail("{}: not a valid ONNX model (protobuf parse failed: truncated or corrupt file); re-export it", path.string());
  if (!model.has_graph() || model.graph().node_size() == 0)
    fail("{}: ONNX model has no graph nodes; is this really an ONNX model?", path.string());
  for (const auto& t : model.graph().initializer())
    if (t.data_location() == onnx::TensorProto::EXTERNAL)
      fail("{}: initializer '{}' uses external data, which rknnc does not read; save the model with "
           "onnx.save(model, path, save_as_external_data=False)", path.string(), t.name());
  return model;
}

ir::DataType to_ir_type(int32_t onnx_type, const std::string& what) {
  switch (onnx_type) {
    case onnx::TensorProto::FLOAT: return ir::DataType::Float32;
    case onnx::TensorProto::UINT8: return ir::DataType::UInt8;
    case onnx::TensorProto::INT8: return ir::DataType::Int8;
    case onnx::TensorProto::UINT16: return ir::DataType::UInt16;
    case onnx::TensorProto::INT16: return ir::DataType::Int16;
    case onnx::TensorProto::INT32: return ir::DataType::Int32;
    case onnx::TensorProto::INT64: return ir::DataType::Int64;
    case onnx::TensorProto::BOOL: return ir::DataType::Bool;
    case onnx::TensorProto::FLOAT16: return ir::DataType::Float16;
    case onnx::TensorProto::DOUBLE: return ir::DataType::Float64;
    case onnx::TensorProto::UINT32: return ir::DataType::UInt32;
    case onnx::TensorProto::UINT64: return ir::DataType::UInt64;
    case onnx::TensorProto::BFLOAT16: return ir::DataType::BFloat16;
    case onnx::TensorProto::UNDEFINED: return ir::DataType::Undefined;
    default: fail("{}: ONNX element type {} (string/complex) is not supported", what, onnx_type);
  }
}

int32_t to_onnx_type(ir::DataType t) { return static_cast<int32_t>(t); }  // the enums share values

namespace {
// Typed-field storage: ONNX keeps small ints and fp16 bit patterns in int32_data.
template <typename T, typename Field>
void copy_field(const Field& field, ir::Tensor& out, const std::string& what) {
  if (static_cast<int64_t>(field.size()) != out.numel())
    fail("{}: tensor has {} values, its shape {} needs {}", what, field.size(), ir::shape_str(out.shape()), out.numel());
  T* dst = static_cast<T*>(out.raw());
  for (int i = 0; i < field.size(); ++i) dst[i] = static_cast<T>(field.Get(i));
}
}  // namespace

ir::Tensor to_ir_tensor(const onnx::TensorProto& t, const std::string& what) {
  const ir::DataType dtype = to_ir_type(t.data_type(), what);
  if (dtype == ir::DataType::Undefined) fail("{}: tensor has no element type", what);
  ir::Shape shape(t.dims().begin(), t.dims().end());
  for (int64_t d : shape)
    if (d < 0) fail("{}: tensor has a negative dimension", what);
  if (t.has_raw_data()) return ir::Tensor::from_bytes(dtype, shape, t.raw_data().data(), t.raw_data().size());
  ir::Tensor out(dtype, shape);
  switch (dtype) {
    case ir::DataType::Float32: copy_field<float>(t.float_data(), out, what); break;
    case ir::DataType::Float64: copy_field<double>(t.double_data(), out, what); break;
    case ir::DataType::Int64: copy_field<int64_t>(t.int64_data(), out, what); break;
    case ir::DataType::UInt32:
    case ir::DataType::UInt64:
      if (dtype == ir::DataType::UInt32) copy_field<uint32_t>(t.uint64_data(), out, what);
      else copy_field<uint64_t>(t.uint64_data(), out, what);
      break;
    case ir::DataType::Int32: copy_field<int32_t>(t.int32_data(), out, what); break;
    case ir::DataType::Int16: copy_field<int16_t>(t.int32_data(), out, what); break;
    case ir::DataType::Int8: copy_field<int8_t>(t.int32_data(), out, what); break;
    case ir::DataType::UInt8:
    case ir::DataType::Bool: copy_field<uint8_t>(t.int32_data(), out, what); break;
    case ir::DataType::UInt16:
    case ir::DataType::Float16:
    case ir::DataType::BFloat16: copy_field<uint16_t>(t.int32_data(), out, what); break;
    default: fail("{}: tensor type {} is not supported", what, ir::dtype_name(dtype));
  }
  return out;
}

void to_onnx_tensor(const ir::Tensor& t, onnx::TensorProto& out) {
  out.set_data_type(to_onnx_type(t.dtype()));
  out.clear_dims();
  for (int64_t d : t.shape()) out.add_dims(d);
  out.set_raw_data(t.raw(), t.nbytes());
}

ir::Attribute to_ir_attribute(const onnx::AttributeProto& a, const std::string& node) {
  const std::string what = "node '" + node + "' attribute '" + a.name() + "'";
  switch (a.type()) {
    case onnx::AttributeProto::INT: return a.i();
    case onnx::AttributeProto::FLOAT: return a.f();
    case onnx::AttributeProto::STRING: return a.s();
    case onnx::AttributeProto::INTS: return std::vector<int64_t>(a.ints().begin(), a.ints().end());
    case onnx::AttributeProto::FLOATS: return std::vector<float>(a.floats().begin(), a.floats().end());
    case onnx::AttributeProto::STRINGS: return std::vector<std::string>(a.strings().begin(), a.strings().end());
    case onnx::AttributeProto::TENSOR: return to_ir_tensor(a.t(), what);
    case onnx::AttributeProto::GRAPH:
    case onnx::AttributeProto::GRAPHS:
      fail("{}: control flow with subgraphs (If/Loop/Scan) is not supported; export the model without it", what);
    default: fail("{}: attribute type {} is not supported", what, static_cast<int>(a.type()));
  }
}

ir::ValueInfo to_ir_value_info(const onnx::ValueInfoProto& v) {
  ir::ValueInfo info;
  if (!v.has_type() || !v.type().has_tensor_type()) return info;
  const auto& tt = v.type().tensor_type();
  info.dtype = to_ir_type(tt.elem_type(), "value '" + v.name() + "'");
  if (tt.has_shape()) {
    info.has_shape = true;
    for (const auto& d : tt.shape().dim()) info.shape.push_back(d.has_dim_value() ? d.dim_value() : ir::kDynamic);
  }
  return info;
}

}  // namespace rknnc::frontends::onnx_detail
