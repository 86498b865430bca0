#pragma once
// Lowers a prepared, calibrated float graph to int8 (004 ch. 6): every node
// with an int8 rule (op_rules.h) computes on int8 tensors with per-tensor
// asymmetric activations; weights become symmetric int8 per output channel
// (quantized_method channel) or per tensor (layer); biases int32 on s_in·s_w.
// QuantizeLinear / DequantizeLinear nodes join int8 and float regions; graph
// inputs and outputs stay float32 and keep their names (an int8 tensor that
// is a graph output is renamed `<name>__int8`, its DequantizeLinear writes
// the output). Quantisation parameters go to Graph::quant.
#include <map>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "quant/calibrate.h"

namespace rknnc::quant {

enum class Method { Layer, Channel };
Method method_from_name(const std::string& name);

struct QuantizeStats {
  int int8_nodes = 0;
  int float_nodes = 0;
  int quantize_nodes = 0;    // QuantizeLinear added
  int dequantize_nodes = 0;  // DequantizeLinear added
  std::map<std::string, int> float_ops;  // op type -> count of nodes left float
  // Tensors with their own int8 parameters (not inherited through a
  // passthrough op), in the order the lowering met them: the ones a hybrid
  // .quantization.cfg lists.
  std::vector<std::string> own_params;
  // Given parameters that could not be used as they are, and (given_only)
  // nodes left float for want of parameters, each naming the node.
  std::vector<std::string> warnings;
};

using ParamsByTensor = std::map<std::string, ir::QuantParams>;

// Asymmetric int8 parameters covering [lo, hi] ∪ {0}.
ir::QuantParams activation_params(Range r);

// `given` (hybrid .quantization.cfg, or a QDQ model's own parameters) overrides
// calibration for the tensors it names, and names weight and constant
// operands' parameters by the constant's name (symmetric: zero point 0, per
// tensor or along axis 0; others are requantised with a warning). With
// `given_only` (a QDQ model without a data set) nothing comes from
// calibration: a node whose tensors `given` does not cover stays float.
QuantizeStats quantize_graph(ir::Graph& graph, const Calibration& calibration, Method method,
                             const ParamsByTensor* given = nullptr, bool given_only = false);

// The name of the int8 version of an original float tensor in a quantised graph.
std::string int8_name(const ir::Graph& quantized, const std::string& original);

}  // namespace rknnc::quant
