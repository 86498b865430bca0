#pragma once
// A TorchScript graph after libtorch has frozen, inlined and executed it once
// at the configured input shapes (with_torch/torchscript_walk.cpp), in a form
// without torch types: what is left is the dataflow on tensors computed from
// the inputs. Every non-tensor value (sizes, ints, lists, flags) and every
// tensor computed from weights alone is already a constant here, so shape
// arithmetic arrives folded. aten_to_onnx.cpp turns it into an ONNX model.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ir/shape.h"
#include "ir/tensor.h"

namespace rknnc::frontends::pytorch {

// A quantised tensor's parameters (torch per-tensor or per-channel affine).
struct QuantParams {
  std::vector<float> scales;
  std::vector<int64_t> zero_points;
  int64_t axis = -1;  // -1: per tensor
  ir::DataType dtype = ir::DataType::Int8;
};

// One input of a node: a tensor value (by name), a list of tensor values, or
// a known constant.
struct Arg {
  enum class Kind { Tensor, Tensors, Int, Float, Bool, Ints, Floats, None, String };
  Kind kind = Kind::None;
  std::string tensor;                // Tensor
  std::vector<std::string> tensors;  // Tensors
  int64_t i = 0;
  double f = 0;
  std::vector<int64_t> ints;
  std::vector<double> floats;
  std::string s;

  static Arg of_tensor(std::string name) {
    Arg a;
    a.kind = Kind::Tensor;
    a.tensor = std::move(name);
    return a;
  }
  static Arg of_int(int64_t v) {
    Arg a;
    a.kind = Kind::Int;
    a.i = v;
    return a;
  }
  static Arg of_ints(std::vector<int64_t> v) {
    Arg a;
    a.kind = Kind::Ints;
    a.ints = std::move(v);
    return a;
  }
};

struct TensorInfo {
  ir::DataType dtype = ir::DataType::Float32;
  ir::Shape shape;
  std::optional<QuantParams> quant;  // a quantised activation
};

struct TorchNode {
  std::string kind;  // "aten::conv2d", "quantized::linear" …
  std::vector<Arg> inputs;
  std::vector<std::string> outputs;  // tensor outputs (list outputs: one name per element)
  std::string source;                // TorchScript source range, one line
};

struct TorchGraph {
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  std::vector<TorchNode> nodes;
  std::map<std::string, TensorInfo> values;            // every tensor value, as executed
  std::map<std::string, ir::Tensor> constants;         // weights and folded tensors
  std::map<std::string, QuantParams> constant_quant;   // constants that are quantised tensors (int values)
};

}  // namespace rknnc::frontends::pytorch
