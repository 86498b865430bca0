#pragma once
// Accuracy analysis (004 §7.1, 001 accuracy_analysis): the float "golden"
// graph and the quantised "simulator" graph run on the same inputs; for every
// layer output of the golden graph
//   entire  golden vs simulator when the whole quantised model runs (errors
//           accumulate layer by layer),
//   single  golden vs the quantised layer run alone on the golden inputs
//           (quantised with that layer's own parameters): the layer's own error,
// each as cosine similarity and euclidean distance. Layers whose single
// cosine is below kFlagCosine are flagged.
#include <string>
#include <vector>

#include "ir/graph.h"
#include "runtime/executor.h"

namespace rknnc::quant {

inline constexpr double kFlagCosine = 0.99;

struct LayerError {
  std::string op;      // op type of the golden node
  std::string tensor;  // its output (golden name)
  double entire_cos = 1, entire_euc = 0, single_cos = 1, single_euc = 0;
  bool quantized = false;  // the simulator runs this layer in int8
  bool flagged = false;    // single_cos < kFlagCosine
};

struct AccuracyAnalysis {
  std::vector<LayerError> layers;  // golden topological order
  runtime::TensorMap golden;       // every layer output, float32
  runtime::TensorMap simulator;    // the same tensors from the quantised run, dequantised to float32
};

AccuracyAnalysis analyse_accuracy(const ir::Graph& golden, const ir::Graph& quantized, const runtime::TensorMap& inputs);

struct Similarity {
  double cosine = 1, euclidean = 0;
};
Similarity compare_tensors(const ir::Tensor& a, const ir::Tensor& b);

// Value `t` of tensor `name` of a quantised graph in float32 (dequantised with
// its per-tensor parameters, or converted).
ir::Tensor as_float(const ir::Graph& quantized, const std::string& name, const ir::Tensor& t);

}  // namespace rknnc::quant
