#pragma once
// Input shapes other than the ones a graph was converted with: rknn_batch_size
// (001 §2.2.4: the model takes N frames at once) and dynamic_input (004 §5.4:
// several shape sets, one .rknn, shared weights, one Program per set).
// Shapes are re-derived by running the converted graph once on zeros, so every
// op's own shape rule decides them; a model whose graph cannot take a shape
// (a constant Reshape target, say) fails here with a one-line error.
#include <string>
#include <vector>

#include "config/model_config.h"
#include "ir/graph.h"
#include "target/target.h"

namespace rknnc::driver {

using ShapeSet = std::vector<std::vector<int64_t>>;  // one shape per graph input

// `g` with its inputs set to `shapes` and every value's shape re-derived.
// `what` names the setting in errors ("model.yml: rknn_batch_size").
ir::Graph with_input_shapes(const ir::Graph& g, const ShapeSet& shapes, const std::string& what);

// `g` whose inputs take `n` frames in their first dimension (which must be 1).
ir::Graph with_batch_size(const ir::Graph& g, int n, const config::ModelConfig& cfg, const target::Target& t,
                          std::vector<std::string>& warnings);

// Checks configs.dynamic_input against the model as declared (`declared`:
// loaded without input_size_list): the target supports it, each set gives one
// shape per input of the input's rank, and only the model's dynamic axes vary.
void check_dynamic_input(const config::ModelConfig& cfg, const ir::Graph& declared, const target::Target& t);

// Index of the set with the most input elements (Toolkit2's MaxShape).
size_t max_shape_set(const std::vector<ShapeSet>& sets);

// One graph for all sets: every dimension that differs between `per_set`
// graphs becomes dynamic (-1), so the executor accepts each set's shapes.
ir::Graph with_dynamic_dims(const ir::Graph& g, const std::vector<ir::Graph>& per_set);

}  // namespace rknnc::driver
