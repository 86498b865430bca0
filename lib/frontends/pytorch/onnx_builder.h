#pragma once
// What an aten op mapping (aten_ops.cpp) writes into: the ONNX graph under
// construction, with the tensors' names, shapes and constants of the executed
// TorchScript graph. Quantised tensors are handled here, not per op: an input
// that is quantised is read through a DequantizeLinear, and an output that
// torch computed as a quantised tensor is written through a QuantizeLinear
// with torch's own scale and zero point.
#include <onnx/onnx_pb.h>

#include <map>
#include <string>
#include <vector>

#include "frontends/pytorch/torch_graph.h"

namespace rknnc::frontends::pytorch {

class OnnxBuilder {
 public:
  OnnxBuilder(onnx::GraphProto& graph, const TorchGraph& tg, std::string file)
      : g_(graph), tg_(tg), file_(std::move(file)) {}

  // The float tensor an argument names (after aliases and dequantisation).
  std::string in(const Arg& a);
  std::vector<std::string> ins(const Arg& a);  // a list of tensors
  // The name an op writes output `i` of the current node to.
  std::string out(size_t i = 0);
  // The op's result is the same tensor as its input (contiguous, dropout …).
  void alias(const std::string& input, size_t i = 0);

  onnx::NodeProto& node(const std::string& op, const std::vector<std::string>& inputs,
                        const std::vector<std::string>& outputs);
  // A node whose output is a new intermediate value; returns that name.
  std::string step(const std::string& op, const std::vector<std::string>& inputs);
  std::string ints(const std::vector<int64_t>& values, bool scalar = false);
  std::string floats(const std::vector<float>& values, bool scalar = false);
  std::string tensor(const ir::Tensor& t);
  // A Transpose; one of a Transpose this builder wrote becomes one Transpose
  // of the first one's input (torch.onnx.export folds them the same way).
  void transpose(const std::string& x, std::vector<int64_t> perm, const std::string& out);
  std::string scalar_like(double value, const std::string& like);  // a 0-d constant of like's dtype

  const TensorInfo& info(const std::string& torch_name) const;
  const TensorInfo& info_of(const Arg& a) const { return info(a.tensor); }
  const ir::Shape& out_shape(size_t i = 0) const;
  int64_t rank(const Arg& a) const;
  bool is_constant(const Arg& a) const { return a.kind == Arg::Kind::Tensor && tg_.constants.count(a.tensor); }
  const ir::Tensor& constant(const Arg& a) const { return tg_.constants.at(a.tensor); }

  // Converts one node: the op's mapping between the quantisation steps.
  void convert(const TorchNode& n);
  [[noreturn]] void unsupported(const std::string& why) const;
  const TorchNode& current() const { return *node_; }
  const std::string& file() const { return file_; }

 private:
  std::string fresh(const std::string& hint);
  std::string resolve(const std::string& name) const;
  std::string dequantized(const std::string& name);
  void add_constant(const std::string& name, const ir::Tensor& t);

  onnx::GraphProto& g_;
  const TorchGraph& tg_;
  std::string file_;
  const TorchNode* node_ = nullptr;
  std::map<std::string, std::string> alias_;
  std::map<std::string, std::string> dequantized_;      // quantised tensor → its DequantizeLinear output
  std::map<std::string, std::string> quantized_alias_;  // quantised tensor → the one it only moved on
  std::map<std::string, bool> constant_added_;
  mutable std::map<std::string, TensorInfo> constant_infos_;
  std::map<std::string, std::pair<std::string, std::vector<int64_t>>> transposes_;  // output → input, perm  // shapes of weights, made on first use
  int counter_ = 0;
};

// One mapping per aten / quantized op kind (in-place forms map with them).
using AtenMapping = void (*)(OnnxBuilder&, const TorchNode&);
const std::map<std::string, AtenMapping>& aten_mappings();

}  // namespace rknnc::frontends::pytorch
