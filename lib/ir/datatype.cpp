#include "ir/datatype.h"

#include <array>

namespace rknnc::ir {
namespace {
struct TypeInfo {
  DataType type;
  std::string_view name;
  size_t size;
};
constexpr std::array kTypes{
    TypeInfo{DataType::Float32, "float32", 4}, TypeInfo{DataType::UInt8, "uint8", 1},
    TypeInfo{DataType::Int8, "int8", 1},       TypeInfo{DataType::UInt16, "uint16", 2},
    TypeInfo{DataType::Int16, "int16", 2},     TypeInfo{DataType::Int32, "int32", 4},
    TypeInfo{DataType::Int64, "int64", 8},     TypeInfo{DataType::String, "string", 0},
    TypeInfo{DataType::Bool, "bool", 1},       TypeInfo{DataType::Float16, "float16", 2},
    TypeInfo{DataType::Float64, "float64", 8}, TypeInfo{DataType::UInt32, "uint32", 4},
    TypeInfo{DataType::UInt64, "uint64", 8},   TypeInfo{DataType::BFloat16, "bfloat16", 2},
};
const TypeInfo* find(DataType t) {
  for (const auto& info : kTypes)
    if (info.type == t) return &info;
  return nullptr;
}
}  // namespace

size_t dtype_size(DataType t) {
  const TypeInfo* info = find(t);
  return info ? info->size : 0;
}

std::string_view dtype_name(DataType t) {
  const TypeInfo* info = find(t);
  return info ? info->name : "undefined";
}

DataType dtype_from_name(std::string_view name) {
  for (const auto& info : kTypes)
    if (info.name == name) return info.type;
  return DataType::Undefined;
}

bool dtype_is_float(DataType t) {
  return t == DataType::Float32 || t == DataType::Float16 || t == DataType::Float64 ||
         t == DataType::BFloat16;
}

}  // namespace rknnc::ir
