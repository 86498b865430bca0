#include "util/npy.h"

#include <cstring>
#include <cctype>

#include "ir/size_limit.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace rknnc {
namespace {

struct NpyType {
  const char* descr;
  ir::DataType type;
};
constexpr NpyType kNpyTypes[] = {
    {"<f4", ir::DataType::Float32}, {"<f8", ir::DataType::Float64}, {"<f2", ir::DataType::Float16},
    {"|i1", ir::DataType::Int8},    {"|u1", ir::DataType::UInt8},   {"<i2", ir::DataType::Int16},
    {"<u2", ir::DataType::UInt16},  {"<i4", ir::DataType::Int32},   {"<u4", ir::DataType::UInt32},
    {"<i8", ir::DataType::Int64},   {"<u8", ir::DataType::UInt64},  {"|b1", ir::DataType::Bool},
};

ir::DataType type_from_descr(const std::string& descr, const std::string& what) {
  for (const auto& t : kNpyTypes)
    if (descr == t.descr) return t.type;
  fail("{}: .npy dtype '{}' is not supported (use little-endian float32, int8/16/32/64, uint8 or bool)", what, descr);
}

// The text after `'key':` in the header's Python dict literal, up to `end`
// (exclusive), with surrounding blanks and quotes removed.
std::string header_field(const std::string& header, const std::string& key, char end, const std::string& what) {
  const size_t k = header.find("'" + key + "'");
  const size_t colon = k == std::string::npos ? k : header.find(':', k);
  size_t begin = colon == std::string::npos ? colon : header.find_first_not_of(" '(", colon + 1);
  const size_t stop = begin == std::string::npos ? begin : header.find(end, begin);
  if (stop == std::string::npos) fail("{}: corrupt .npy header (no '{}')", what, key);
  return header.substr(begin, stop - begin);
}

}  // namespace

ir::Tensor parse_npy(const std::string& bytes, const std::string& what) {
  if (bytes.size() < 10 || std::memcmp(bytes.data(), "\x93NUMPY", 6) != 0) fail("{}: not a .npy file", what);
  const int major = static_cast<unsigned char>(bytes[6]);
  size_t header_len, offset;
  if (major == 1) {
    header_len = static_cast<unsigned char>(bytes[8]) | static_cast<size_t>(static_cast<unsigned char>(bytes[9])) << 8;
    offset = 10;
  } else if ((major == 2 || major == 3) && bytes.size() >= 12) {
    header_len = 0;
    for (int i = 3; i >= 0; --i) header_len = header_len << 8 | static_cast<unsigned char>(bytes[8 + static_cast<size_t>(i)]);
    offset = 12;
  } else {
    fail("{}: unsupported .npy version {}", what, major);
  }
  if (offset + header_len > bytes.size()) fail("{}: truncated .npy header", what);
  const std::string header = bytes.substr(offset, header_len);
  const ir::DataType dtype = type_from_descr(header_field(header, "descr", '\'', what), what);
  if (header_field(header, "fortran_order", ',', what).rfind("True", 0) == 0)
    fail("{}: Fortran-order .npy is not supported; save with np.ascontiguousarray", what);
  ir::Shape shape;
  const std::string dims = header_field(header, "shape", ')', what);
  for (size_t i = 0; i < dims.size();) {
    if (!std::isdigit(static_cast<unsigned char>(dims[i]))) {
      if (dims[i] != ',' && dims[i] != ' ') fail("{}: corrupt .npy header (shape '{}')", what, dims);
      ++i;
      continue;
    }
    int64_t d = 0;
    for (; i < dims.size() && std::isdigit(static_cast<unsigned char>(dims[i])); ++i)
      if ((d = d * 10 + (dims[i] - '0')) > int64_t{1} << 40) fail("{}: corrupt .npy header (shape '{}')", what, dims);
    shape.push_back(d);
  }
  const size_t data_off = offset + header_len;
  size_t expected = ir::dtype_size(dtype);
  bool overflow = false;  // a crafted shape must not wrap around to the file's size
  for (int64_t d : shape) overflow |= __builtin_mul_overflow(expected, static_cast<size_t>(d), &expected);
  const size_t have = bytes.size() - data_off;
  if (overflow || expected / ir::dtype_size(dtype) > static_cast<size_t>(ir::kMaxTensorElements))
    fail("{}: .npy shape {} is larger than the {} elements one tensor may have; is the header damaged?", what,
         ir::shape_str(shape), ir::kMaxTensorElements);
  if (have != expected)
    fail("{}: .npy data has {} bytes, shape {} of {} needs {} ({}); save the array again with np.save", what, have,
         ir::shape_str(shape), ir::dtype_name(dtype), expected, have < expected ? "truncated file" : "extra bytes at the end");
  return ir::Tensor::from_bytes(dtype, shape, bytes.data() + data_off, expected);
}

ir::Tensor read_npy(const std::filesystem::path& path) { return parse_npy(read_file(path, ".npy file"), path.string()); }

std::string to_npy(const ir::Tensor& t) {
  const char* descr = nullptr;
  for (const auto& k : kNpyTypes)
    if (k.type == t.dtype()) descr = k.descr;
  if (!descr) fail("cannot write a {} tensor as .npy", ir::dtype_name(t.dtype()));
  std::string shape;
  for (size_t i = 0; i < t.shape().size(); ++i) shape += (i ? ", " : "") + std::to_string(t.shape()[i]);
  if (t.shape().size() == 1) shape += ',';  // a Python 1-tuple: "(5,)"
  std::string header = "{'descr': '" + std::string(descr) + "', 'fortran_order': False, 'shape': (" + shape + "), }";
  const size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::string out = "\x93NUMPY";
  out += static_cast<char>(1);
  out += static_cast<char>(0);
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  out += header;
  out.append(static_cast<const char*>(t.raw()), t.nbytes());
  return out;
}

}  // namespace rknnc
