#pragma once
// A .tflite file in memory, checked by the flatbuffers verifier before any
// field is read, with typed access to its tensors and constant buffers.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "frontends/tflite/tflite_subset_generated.h"

namespace rknnc::frontends::tflite {

namespace fb = rknnc::tflite_fb;

class TfliteFile {
 public:
  // One-line errors for a missing, empty, corrupt or truncated file, and for
  // a file with no subgraph or more than one.
  explicit TfliteFile(const std::filesystem::path& path);

  const std::string& file() const { return file_; }
  const fb::Model& model() const { return *model_; }
  const fb::SubGraph& graph() const { return *graph_; }
  const fb::Tensor& tensor(int index) const;
  std::string tensor_name(int index) const;
  std::vector<int64_t> shape(int index) const;
  // The bytes of a constant tensor (empty for an activation); their size is
  // checked against the shape and type.
  std::span<const uint8_t> constant_bytes(int index) const;
  bool is_constant(int index) const { return !constant_bytes(index).empty(); }
  // A constant as int64 / float values (int32 / int64 / float32 / float16 /
  // int8 / uint8 read as they are stored, no dequantisation).
  std::vector<int64_t> constant_ints(int index) const;
  std::vector<float> constant_floats(int index) const;
  bool is_quantized(int index) const;
  // The builtin code of operator `op` (the larger of the two code fields, as
  // files from before and after the int32 code field store it).
  fb::BuiltinOperator op_code(int op) const;
  std::string op_name(int op) const;

 private:
  std::string file_;
  std::vector<uint8_t> bytes_;
  const fb::Model* model_ = nullptr;
  const fb::SubGraph* graph_ = nullptr;
};

// Size in bytes of one element of a TFLite tensor type; 0 for types rknnc
// does not read (string, complex).
size_t element_size(fb::TensorType t);

}  // namespace rknnc::frontends::tflite
