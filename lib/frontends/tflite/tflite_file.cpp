#include "frontends/tflite/tflite_file.h"

#include <fstream>
#include <iterator>

#include "util/error.h"
#include "util/half.h"

namespace rknnc::frontends::tflite {

size_t element_size(fb::TensorType t) {
  switch (t) {
    case fb::TensorType::FLOAT32: case fb::TensorType::INT32: return 4;
    case fb::TensorType::FLOAT16: case fb::TensorType::INT16: return 2;
    case fb::TensorType::UINT8: case fb::TensorType::INT8: case fb::TensorType::BOOL: return 1;
    case fb::TensorType::INT64: case fb::TensorType::FLOAT64: return 8;
    default: return 0;
  }
}

TfliteFile::TfliteFile(const std::filesystem::path& path) : file_(path.string()) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("{}: cannot open the model file; check model_file_path", file_);
  bytes_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (bytes_.empty()) fail("{}: the file is empty; it is not a TFLite model", file_);
  if (bytes_.size() < 8 || !fb::ModelBufferHasIdentifier(bytes_.data()))
    fail("{}: not a TFLite model (no 'TFL3' identifier); check model_file_path and platform", file_);
  flatbuffers::Verifier verifier(bytes_.data(), bytes_.size());
  if (!fb::VerifyModelBuffer(verifier))
    fail("{}: the TFLite flatbuffer is corrupt or truncated ({} bytes); export the model again", file_, bytes_.size());
  model_ = fb::GetModel(bytes_.data());
  if (!model_->subgraphs() || model_->subgraphs()->size() != 1)
    fail("{}: the model has {} subgraphs; rknnc reads TFLite models with exactly one (no control flow)", file_,
         model_->subgraphs() ? model_->subgraphs()->size() : 0);
  graph_ = model_->subgraphs()->Get(0);
  if (!graph_->tensors() || !graph_->operators())
    fail("{}: the subgraph has no tensors or no operators; export the model again", file_);
}

const fb::Tensor& TfliteFile::tensor(int index) const {
  if (index < 0 || static_cast<size_t>(index) >= graph_->tensors()->size())
    fail("{}: tensor index {} is out of range (the model has {} tensors); the file is corrupt", file_, index,
         graph_->tensors()->size());
  return *graph_->tensors()->Get(index);
}

std::string TfliteFile::tensor_name(int index) const {
  const fb::Tensor& t = tensor(index);
  return t.name() && t.name()->size() ? t.name()->str() : fmt::format("tensor_{}", index);
}

std::vector<int64_t> TfliteFile::shape(int index) const {
  const fb::Tensor& t = tensor(index);
  std::vector<int64_t> s;
  if (t.shape())
    for (int d : *t.shape()) {
      if (d < 0) fail("{}: tensor '{}' has a dynamic dimension; give its shape in subgraphs.input_size_list or "
                      "export the model with a fixed shape", file_, tensor_name(index));
      s.push_back(d);
    }
  return s;
}

std::span<const uint8_t> TfliteFile::constant_bytes(int index) const {
  const fb::Tensor& t = tensor(index);
  if (!model_->buffers() || t.buffer() == 0) return {};
  if (t.buffer() >= model_->buffers()->size())
    fail("{}: tensor '{}' names buffer {}, but the model has {}; the file is corrupt", file_, tensor_name(index),
         t.buffer(), model_->buffers()->size());
  const auto* data = model_->buffers()->Get(t.buffer())->data();
  if (!data || data->size() == 0) return {};
  int64_t count = 1;
  for (int64_t d : shape(index)) count *= d;
  const size_t elem = element_size(t.type());
  if (elem == 0)
    fail("{}: constant '{}' has type {}, which rknnc does not read; export the model with numeric constants", file_,
         tensor_name(index), fb::EnumNameTensorType(t.type()));
  if (static_cast<uint64_t>(count) * elem != data->size())
    fail("{}: constant '{}' holds {} bytes, its shape and type need {}; the file is corrupt", file_,
         tensor_name(index), data->size(), count * elem);
  return {data->data(), data->size()};
}

namespace {
template <typename T>
T load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

template <typename Out>
std::vector<Out> read_values(std::span<const uint8_t> b, fb::TensorType type) {
  const size_t elem = element_size(type);
  std::vector<Out> v(b.size() / elem);
  for (size_t i = 0; i < v.size(); ++i) {
    const uint8_t* p = b.data() + i * elem;
    switch (type) {
      case fb::TensorType::FLOAT32: v[i] = static_cast<Out>(load<float>(p)); break;
      case fb::TensorType::FLOAT16: v[i] = static_cast<Out>(half_to_float(load<uint16_t>(p))); break;
      case fb::TensorType::FLOAT64: v[i] = static_cast<Out>(load<double>(p)); break;
      case fb::TensorType::INT32: v[i] = static_cast<Out>(load<int32_t>(p)); break;
      case fb::TensorType::INT64: v[i] = static_cast<Out>(load<int64_t>(p)); break;
      case fb::TensorType::INT16: v[i] = static_cast<Out>(load<int16_t>(p)); break;
      case fb::TensorType::INT8: v[i] = static_cast<Out>(load<int8_t>(p)); break;
      default: v[i] = static_cast<Out>(*p); break;  // uint8, bool
    }
  }
  return v;
}
}  // namespace

std::vector<int64_t> TfliteFile::constant_ints(int index) const {
  if (!is_constant(index))
    fail("{}: tensor '{}' must be a constant here (a computed shape or axis is not supported); export the model with "
         "static shapes", file_, tensor_name(index));
  return read_values<int64_t>(constant_bytes(index), tensor(index).type());
}

std::vector<float> TfliteFile::constant_floats(int index) const {
  if (!is_constant(index))
    fail("{}: tensor '{}' must be a constant here; export the model with constant weights", file_, tensor_name(index));
  return read_values<float>(constant_bytes(index), tensor(index).type());
}

bool TfliteFile::is_quantized(int index) const {
  const auto* q = tensor(index).quantization();
  return q && q->scale() && q->scale()->size() > 0;
}

fb::BuiltinOperator TfliteFile::op_code(int op) const {
  const fb::Operator& o = *graph_->operators()->Get(op);
  if (!model_->operator_codes() || o.opcode_index() >= model_->operator_codes()->size())
    fail("{}: operator {} names operator code {}, which the model does not have; the file is corrupt", file_, op,
         o.opcode_index());
  const fb::OperatorCode& c = *model_->operator_codes()->Get(o.opcode_index());
  return static_cast<fb::BuiltinOperator>(std::max<int32_t>(c.deprecated_builtin_code(),
                                                            static_cast<int32_t>(c.builtin_code())));
}

std::string TfliteFile::op_name(int op) const {
  const fb::BuiltinOperator code = op_code(op);
  if (code == fb::BuiltinOperator::CUSTOM) {
    const fb::OperatorCode& c =
        *model_->operator_codes()->Get(graph_->operators()->Get(op)->opcode_index());
    return fmt::format("CUSTOM '{}'", c.custom_code() ? c.custom_code()->str() : "");
  }
  const char* name = fb::EnumNameBuiltinOperator(code);
  return name && *name ? name : fmt::format("builtin operator {}", static_cast<int>(code));
}

}  // namespace rknnc::frontends::tflite
