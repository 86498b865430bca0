#pragma once
// Helpers for the multi-node pattern passes (fuse_layer_norm, fuse_gelu,
// find_attention_blocks): walk from a value to the ai.onnx node that makes or
// reads it, test scalar constants, and replace a matched chain by one node.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ir/graph.h"

namespace rknnc::passes {

// The producer of `value` when it is an ai.onnx node of type `op`.
ir::Node* produced_by(const ir::Graph& g, const std::string& value, std::string_view op);
// The only reader of `value` (see single_consumer) when it is an ai.onnx `op`.
ir::Node* read_only_by(const ir::Graph& g, const std::string& value, std::string_view op);
// For a two-input node reading `value` once, the index of its other input.
std::optional<size_t> other_input(const ir::Node& n, const std::string& value);
// Input i of `n` is a float32 constant of one element equal to v (relative
// tolerance rtol, for constants exporters print with few digits).
bool is_scalar(const ir::Graph& g, const ir::Node& n, size_t i, double v, double rtol = 1e-5);
// The single element of float constant input i, or nullopt.
std::optional<double> scalar_value(const ir::Graph& g, const ir::Node& n, size_t i);
// Reduce* axes from the attribute or a constant input 1 (nullopt when computed).
std::optional<std::vector<int64_t>> reduce_axes(const ir::Graph& g, const ir::Node& n);
// Every value the matched nodes produce, except `result`, is read only by
// matched nodes and is not a graph output: the chain can be replaced.
bool chain_is_private(const ir::Graph& g, const std::vector<ir::Node*>& matched, const std::string& result);
// Removes the matched nodes and adds `fused` (which writes the chain's result
// under its name); keeps topological order.
void replace_chain(ir::Graph& g, const std::vector<ir::Node*>& matched, std::unique_ptr<ir::Node> fused);

}  // namespace rknnc::passes
