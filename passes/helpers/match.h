#pragma once
// Matching helpers shared by the passes: who reads a value, which inputs are
// constants, and what a constant holds.
#include <optional>
#include <string>

#include "ir/graph.h"

namespace rknnc::passes {

// The only node reading `value`, when exactly one node reads it (once) and it
// is not a graph output; otherwise nullptr. A value with a single consumer
// can be rewritten together with that consumer.
ir::Node* single_consumer(const ir::Graph& g, const std::string& value);
// The constant behind input i of `node` when it is a float32 initializer.
const ir::Tensor* float_constant_input(const ir::Graph& g, const ir::Node& node, size_t i);
// True when every element of `t` equals v (numeric dtypes).
bool all_elements_equal(const ir::Tensor& t, double v);
// The value's shape when it is known and fully static.
std::optional<ir::Shape> static_shape(const ir::Graph& g, const std::string& value);
// Per-channel values of a constant that broadcasts along `channel_axis` of an
// `out_rank` tensor with `channels` channels (shapes [C], [C,1,1], [1,C,1,1],
// or a single element, which is repeated). nullopt for other shapes.
std::optional<std::vector<double>> per_channel_values(const ir::Tensor& t, size_t out_rank, int64_t channel_axis,
                                                      int64_t channels);
// The node's `activation` attribute is set (it already carries a fused activation).
bool has_fused_activation(const ir::Node& node);
// An ai.onnx Reshape node (false for nullptr).
inline bool is_reshape(const ir::Node* n) { return n && n->op_type == "Reshape" && n->domain.empty(); }

}  // namespace rknnc::passes
