#pragma once
// The IR: an ONNX-like graph in canonical form. Edges are value names (an
// empty name is an absent optional input). Nodes are kept in topological
// order. Constants live in `initializers`; every value that the verifier
// accepts has an entry in `values` with dtype and (possibly partly dynamic) shape.
//
// Canonical form (made by the frontends, relied on by passes and kernels):
// attributes that newer ONNX opsets moved to inputs are inputs (Clip min/max,
// Pad pads, Split split, Squeeze/Unsqueeze axes, Slice starts/ends/axes/steps,
// ReduceSum axes, Resize scales/sizes), Upsample is Resize, so every op has
// one form whatever opset the source model used.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ir/attribute.h"
#include "ir/quant_params.h"
#include "ir/tensor.h"

namespace rknnc::ir {

struct ValueInfo {
  DataType dtype = DataType::Undefined;
  Shape shape;
  bool has_shape = false;  // false: rank unknown
};

struct Node {
  std::string name;
  std::string op_type;
  std::string domain;  // "" = ai.onnx
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  Attributes attrs;

  const std::string& input(size_t i) const;  // "" when absent
  bool has_input(size_t i) const { return i < inputs.size() && !inputs[i].empty(); }
};

class Graph {
 public:
  std::string name;
  int64_t opset = 0;  // ai.onnx opset of the source model
  std::vector<std::string> inputs;   // graph inputs (not initializers)
  std::vector<std::string> outputs;
  std::vector<std::unique_ptr<Node>> nodes;  // topological order
  std::map<std::string, ValueInfo> values;
  std::map<std::string, Tensor> initializers;
  std::map<std::string, std::string> metadata;  // producer, source file, …
  // Quantised tensors (int8 activations and weights, int32 biases) by name;
  // empty for a float graph. Kernels of quantised nodes read it.
  std::map<std::string, QuantParams> quant;

  Graph() = default;
  Graph(const Graph& other);
  Graph& operator=(const Graph& other);
  Graph(Graph&&) = default;
  Graph& operator=(Graph&&) = default;

  bool is_constant(const std::string& value) const { return initializers.count(value) != 0; }
  const Tensor* constant(const std::string& value) const;
  const ValueInfo* info(const std::string& value) const;
  // Node producing a value, nullptr for inputs/constants.
  Node* producer(const std::string& value) const;
  // Nodes reading a value (each node once).
  std::vector<Node*> consumers(const std::string& value) const;
  bool is_graph_output(const std::string& value) const;

  Node& add_node(std::unique_ptr<Node> node);  // appends; call sort_topologically() after out-of-order inserts
  void add_constant(const std::string& name, Tensor t);
  // A value name not yet used in the graph, derived from `base`.
  std::string unique_name(const std::string& base) const;
  // Rewires every reader of `from` (nodes and graph outputs) to read `to`.
  void replace_all_uses(const std::string& from, const std::string& to);
  // Removes nodes for which pred(node) is true.
  template <typename Pred> size_t remove_nodes_if(Pred pred);
  // Drops initializers and value infos that nothing references any more.
  size_t remove_unused_values();
  void sort_topologically();  // throws on a cycle
  // Removes nodes no graph output depends on, then unused values; returns
  // the number of nodes removed.
  size_t remove_unreachable();
  int64_t constant_bytes() const;
  const QuantParams* quant_params(const std::string& value) const;

  std::map<std::string, int> op_histogram() const;
};

template <typename Pred>
size_t Graph::remove_nodes_if(Pred pred) {
  size_t before = nodes.size();
  std::erase_if(nodes, [&](const std::unique_ptr<Node>& n) { return pred(*n); });
  return before - nodes.size();
}

}  // namespace rknnc::ir
