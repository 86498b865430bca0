#pragma once
// Reading the arguments of a TorchScript node and setting ONNX attributes:
// shared by the op mapping files (aten_ops_*.cpp).
#include <fmt/format.h>

#include <map>
#include <string>
#include <vector>

#include "frontends/pytorch/onnx_builder.h"

namespace rknnc::frontends::pytorch {

inline const Arg& arg(const TorchNode& n, size_t i) {
  static const Arg none;
  return i < n.inputs.size() ? n.inputs[i] : none;
}
inline bool is_none(const TorchNode& n, size_t i) { return arg(n, i).kind == Arg::Kind::None; }

int64_t int_arg(OnnxBuilder& b, const TorchNode& n, size_t i);
double float_arg(OnnxBuilder& b, const TorchNode& n, size_t i);
// An int list argument; a single int is repeated `count` times.
std::vector<int64_t> ints_arg(OnnxBuilder& b, const TorchNode& n, size_t i, size_t count = 1);
// An axis argument made non-negative for a tensor of `rank` dims.
int64_t axis_arg(OnnxBuilder& b, const TorchNode& n, size_t i, int64_t rank);

void set_attr(onnx::NodeProto& node, const std::string& name, int64_t value);
void set_attr(onnx::NodeProto& node, const std::string& name, float value);
void set_attr(onnx::NodeProto& node, const std::string& name, const std::string& value);
void set_attr(onnx::NodeProto& node, const std::string& name, const std::vector<int64_t>& values);

// One group of mappings per file.
void add_nn_mappings(std::map<std::string, AtenMapping>& table);
void add_elementwise_mappings(std::map<std::string, AtenMapping>& table);
void add_shape_mappings(std::map<std::string, AtenMapping>& table);
void add_quantized_mappings(std::map<std::string, AtenMapping>& table);

// Conv / ConvTranspose from `x`, weight, optional bias and the geometry.
struct ConvGeometry {
  std::vector<int64_t> stride, padding, dilation, output_padding;
  int64_t groups = 1;
  bool transposed = false;
  bool same = false;  // padding="same"
};
void emit_conv(OnnxBuilder& b, const std::string& x, const Arg& weight, const Arg& bias, const ConvGeometry& geo,
               const std::string& out);
// y = x @ weight^T + bias, as torch.onnx.export writes aten::linear.
void emit_linear(OnnxBuilder& b, const Arg& x, const Arg& weight, const Arg& bias, const std::string& out);

}  // namespace rknnc::frontends::pytorch
