#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace rknnc::ir {

// Element types. Values match ONNX TensorProto.DataType where one exists so the
// frontend and the container can map them without a table.
enum class DataType : uint8_t {
  Undefined = 0,
  Float32 = 1,
  UInt8 = 2,
  Int8 = 3,
  UInt16 = 4,
  Int16 = 5,
  Int32 = 6,
  Int64 = 7,
  String = 8,
  Bool = 9,
  Float16 = 10,
  Float64 = 11,
  UInt32 = 12,
  UInt64 = 13,
  BFloat16 = 16,
};

size_t dtype_size(DataType t);
std::string_view dtype_name(DataType t);  // "float32", "int8", …
DataType dtype_from_name(std::string_view name);  // Undefined when unknown
bool dtype_is_float(DataType t);

template <typename T> constexpr DataType dtype_of();
template <> constexpr DataType dtype_of<float>() { return DataType::Float32; }
template <> constexpr DataType dtype_of<double>() { return DataType::Float64; }
template <> constexpr DataType dtype_of<int8_t>() { return DataType::Int8; }
template <> constexpr DataType dtype_of<uint8_t>() { return DataType::UInt8; }
template <> constexpr DataType dtype_of<int16_t>() { return DataType::Int16; }
template <> constexpr DataType dtype_of<uint16_t>() { return DataType::UInt16; }
template <> constexpr DataType dtype_of<int32_t>() { return DataType::Int32; }
template <> constexpr DataType dtype_of<uint32_t>() { return DataType::UInt32; }
template <> constexpr DataType dtype_of<int64_t>() { return DataType::Int64; }
template <> constexpr DataType dtype_of<uint64_t>() { return DataType::UInt64; }
template <> constexpr DataType dtype_of<bool>() { return DataType::Bool; }

}  // namespace rknnc::ir
