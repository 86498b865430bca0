#pragma once
// The state of one .tflite → ONNX translation: the ONNX graph being built,
// the ONNX name of every TFLite tensor in each layout it has been needed in,
// and the helpers every operator translation uses.
//
// Layout: a 4-D TFLite activation is NHWC; its ONNX value is kept NCHW (the
// IR's canonical form) wherever the operators allow, and a Transpose is only
// written where an operator that depends on the memory order (Reshape,
// Squeeze …) meets an NCHW value whose NHWC order differs.
// Quantisation: the result of an operator is float; a quantised TFLite
// tensor gets a QuantizeLinear / DequantizeLinear pair with its own scale and
// zero point, and a quantised constant a DequantizeLinear.
#include <onnx/onnx_pb.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "frontends/tflite/tflite_file.h"

namespace rknnc::frontends::tflite {

onnx::AttributeProto attr_int(const std::string& name, int64_t v);
onnx::AttributeProto attr_ints(const std::string& name, const std::vector<int64_t>& v);
onnx::AttributeProto attr_float(const std::string& name, float v);
onnx::AttributeProto attr_string(const std::string& name, const std::string& v);

// NHWC axis → NCHW axis of a 4-D tensor, and the permutations between them.
int64_t nchw_axis(int64_t nhwc_axis);
inline const std::vector<int64_t> kToNchw = {0, 3, 1, 2};
inline const std::vector<int64_t> kToNhwc = {0, 2, 3, 1};

class Translation {
 public:
  Translation(const TfliteFile& file, onnx::GraphProto& graph);

  const TfliteFile& file;

  // The operator being translated and its tensors; in(i) is -1 for an
  // omitted optional input.
  void begin(int op) { op_ = op; }
  int op_index() const { return op_; }
  const fb::Operator& op() const;
  size_t num_inputs() const;
  int in(size_t i) const;
  int out(size_t i) const;
  size_t num_outputs() const;
  // One-line error about the current operator (op name, index, first output).
  [[noreturn]] void fail_op(const std::string& what) const;

  int rank(int t) const { return static_cast<int>(file.shape(t).size()); }
  std::vector<int64_t> shape(int t) const { return file.shape(t); }
  // The NCHW shape of a 4-D tensor, other ranks as they are.
  std::vector<int64_t> nchw_shape(int t) const;
  // True when NHWC and NCHW orders of 4-D tensor t hold the same bytes
  // (one channel, or 1×1 spatial): a reshape may read either.
  bool layout_free(int t) const;

  // Graph input t (NCHW when 4-D), with its Q/DQ pair when quantised.
  void add_input(int t);
  // ONNX value of tensor t: in NCHW (4-D; other ranks as they are), in the
  // TFLite order, or whichever exists (NCHW first). Constants are written on
  // first use (dequantised by a DequantizeLinear when quantised).
  std::string nchw(int t);
  std::string native(int t);
  bool has_nchw(int t) const;
  // A constant permuted by `perm` (TFLite axes), its quantisation axis moved
  // with it; `shape` reshapes the result (empty: keep).
  std::string weight(int t, const std::vector<int64_t>& perm, const std::vector<int64_t>& shape = {});

  std::string const_ints(const std::vector<int64_t>& v);
  std::string const_floats(const std::vector<float>& v, const std::vector<int64_t>& shape);
  std::string scalar(float v);

  // Adds a node; its single output gets a fresh name from `base` unless
  // `output` is given.
  std::string node(const std::string& type, const std::vector<std::string>& inputs,
                   const std::vector<onnx::AttributeProto>& attrs = {}, const std::string& output = "");
  void node_outputs(const std::string& type, const std::vector<std::string>& inputs,
                    const std::vector<onnx::AttributeProto>& attrs, const std::vector<std::string>& outputs);
  // The name the final node of output k's value gets (the TFLite name).
  std::string result_name(size_t k = 0);
  std::string fresh(const std::string& base);

  // The operator's last node computed `value` (a fresh name when a fused
  // activation follows) for output k, in NCHW or TFLite order. Applies the
  // fused activation and the tensor's quantisation.
  void define(size_t k, const std::string& value, bool is_nchw,
              fb::ActivationFunctionType act = fb::ActivationFunctionType::NONE);
  // Output k is the same value as `t` (QUANTIZE / DEQUANTIZE / no-op
  // transposes): its forms are t's, then its own quantisation is applied.
  void alias(size_t k, int t);
  // The node that applies a TFLite activation function.
  std::string activation(fb::ActivationFunctionType act, const std::string& x, const std::string& output);

  // Graph outputs named by their TFLite names (NCHW when 4-D), with value
  // infos for every tensor whose ONNX value carries its TFLite name.
  void finish(const std::vector<int>& outputs);

 private:
  struct Forms {
    std::optional<std::string> nchw, native;
  };
  void quantize(int t, Forms& forms);
  void rename(const std::string& from, const std::string& to);

  onnx::GraphProto& g_;
  int op_ = -1;
  std::vector<Forms> forms_;
  std::set<std::string> names_;
  std::map<float, std::string> scalars_;
  std::map<int, std::string> results_;
};

}  // namespace rknnc::frontends::tflite
