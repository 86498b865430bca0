#include "frontends/onnx/onnx_proto.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>

#include <fstream>

#include "ir/size_limit.h"
#include "util/error.h"

namespace rknnc::frontends::onnx_detail {
namespace fs = std::filesystem;

onnx::ModelProto read_model_file(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) fail_config("{}: model file not found; check model_file_path", path.string());
  if (fs::is_directory(path, ec)) fail_config("{}: is a folder, model_file_path must name an .onnx file", path.string());
  const auto size = fs::file_size(path, ec);
  if (ec || size == 0) fail("{}: model file is empty; re-export the model", path.string());
  if (size > static_cast<uintmax_t>(INT32_MAX))
    fail("{}: the file has {} bytes; an ONNX file holds at most 2 GiB (protobuf's limit): save the weights as "
         "external data (onnx.save(model, path, save_as_external_data=True))", path.string(), size);
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
  return model;
}

namespace {
// Element types the IR has no dtype for (ONNX TensorProto.DataType numbers).
const char* unsupported_type_name(int32_t onnx_type) {
  switch (onnx_type) {
    case 8: return "string";
    case 14: return "complex64";
    case 15: return "complex128";
    case 17: return "float8e4m3fn";
    case 18: return "float8e4m3fnuz";
    case 19: return "float8e5m2";
    case 20: return "float8e5m2fnuz";
    case 21: return "uint4";
    case 22: return "int4";
    case 23: return "float4e2m1";
    default: return "unknown";
  }
}
}  // namespace

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
    default: fail("{}: ONNX element type {} ({}) is not supported; use float32, float16 or an 8- to 64-bit integer type",
                  what, onnx_type, unsupported_type_name(onnx_type));
  }
}

int32_t to_onnx_type(ir::DataType t) { return static_cast<int32_t>(t); }  // the enums share values

namespace {
// Typed-field storage: ONNX keeps small ints and fp16 bit patterns in int32_data.
template <typename T, typename Field>
ir::Tensor from_field(ir::DataType dtype, const ir::Shape& shape, const Field& field, const std::string& what) {
  if (static_cast<int64_t>(field.size()) != ir::shape_numel(shape))
    fail("{}: holds {} values, its shape {} needs {}; the file is damaged or was written wrongly, re-export the model",
         what, field.size(), ir::shape_str(shape), ir::shape_numel(shape));
  ir::Tensor out(dtype, shape);
  T* dst = static_cast<T*>(out.raw());
  for (int i = 0; i < field.size(); ++i) dst[i] = static_cast<T>(field.Get(i));
  return out;
}

// The shape of a stored tensor, checked before any of it is allocated.
ir::Shape stored_shape(const onnx::TensorProto& t, const std::string& what) {
  if (t.data_location() == onnx::TensorProto::EXTERNAL || t.external_data_size() > 0)
    fail("{}: uses external data, which rknnc reads only for initializers; save the model with "
         "onnx.save(model, path, save_as_external_data=False)", what);
  if (t.has_segment()) fail("{}: is stored in segments, which rknnc does not read; re-export the model", what);
  ir::Shape shape(t.dims().begin(), t.dims().end());
  for (int64_t d : shape)
    if (d < 0) fail("{}: has a negative dimension in shape {}; re-export the model", what, ir::shape_str(shape));
  ir::check_tensor_size(shape, what);
  return shape;
}
}  // namespace

ir::Tensor to_ir_tensor(const onnx::TensorProto& t, const std::string& what) {
  const ir::DataType dtype = to_ir_type(t.data_type(), what);
  if (dtype == ir::DataType::Undefined) fail("{}: tensor has no element type", what);
  const ir::Shape shape = stored_shape(t, what);
  if (t.has_raw_data()) {
    const size_t need = static_cast<size_t>(ir::shape_numel(shape)) * ir::dtype_size(dtype);
    if (t.raw_data().size() != need)
      fail("{}: raw_data has {} bytes, shape {} of {} needs {}; the file is damaged or was written wrongly, re-export "
           "the model", what, t.raw_data().size(), ir::shape_str(shape), ir::dtype_name(dtype), need);
    return ir::Tensor::from_bytes(dtype, shape, t.raw_data().data(), t.raw_data().size());
  }
  switch (dtype) {
    case ir::DataType::Float32: return from_field<float>(dtype, shape, t.float_data(), what);
    case ir::DataType::Float64: return from_field<double>(dtype, shape, t.double_data(), what);
    case ir::DataType::Int64: return from_field<int64_t>(dtype, shape, t.int64_data(), what);
    case ir::DataType::UInt32: return from_field<uint32_t>(dtype, shape, t.uint64_data(), what);
    case ir::DataType::UInt64: return from_field<uint64_t>(dtype, shape, t.uint64_data(), what);
    case ir::DataType::Int32: return from_field<int32_t>(dtype, shape, t.int32_data(), what);
    case ir::DataType::Int16: return from_field<int16_t>(dtype, shape, t.int32_data(), what);
    case ir::DataType::Int8: return from_field<int8_t>(dtype, shape, t.int32_data(), what);
    case ir::DataType::UInt8:
    case ir::DataType::Bool: return from_field<uint8_t>(dtype, shape, t.int32_data(), what);
    case ir::DataType::UInt16:
    case ir::DataType::Float16:
    case ir::DataType::BFloat16: return from_field<uint16_t>(dtype, shape, t.int32_data(), what);
    default: fail("{}: tensor type {} is not supported", what, ir::dtype_name(dtype));
  }
}

void to_onnx_tensor(const ir::Tensor& t, onnx::TensorProto& out) {
  out.set_data_type(to_onnx_type(t.dtype()));
  out.clear_dims();
  for (int64_t d : t.shape()) out.add_dims(d);
  out.set_raw_data(t.raw(), t.nbytes());
}

ir::Attribute to_ir_attribute(const onnx::AttributeProto& a, const std::string& node) {
  const std::string what = node + " attribute '" + a.name() + "'";
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

ir::ValueInfo to_ir_value_info(const onnx::ValueInfoProto& v, const std::string& file) {
  ir::ValueInfo info;
  if (!v.has_type() || !v.type().has_tensor_type()) return info;
  const auto& tt = v.type().tensor_type();
  const std::string what = fmt::format("{}: tensor '{}'", file, v.name());
  info.dtype = to_ir_type(tt.elem_type(), what);
  if (tt.has_shape()) {
    info.has_shape = true;
    // Some exporters write -1 (or another negative) for a dynamic dim.
    for (const auto& d : tt.shape().dim())
      info.shape.push_back(d.has_dim_value() && d.dim_value() >= 0 ? d.dim_value() : ir::kDynamic);
    ir::check_tensor_size(info.shape, what);
  }
  return info;
}

}  // namespace rknnc::frontends::onnx_detail
