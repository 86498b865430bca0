#pragma once
#include <map>
#include <string>
#include <vector>

#include "config/model_config.h"
#include "format/rknn_file.h"
#include "ir/graph.h"

namespace rknnc::driver {

// Per-input mean/std from the config (empty lists when not given).
std::vector<format::InputPreprocess> input_preprocess(const config::ModelConfig& cfg, const ir::Graph& g);
// The axis of `input` that mean/std values apply to: 1 for NCHW, the last
// axis for NHWC-style inputs (whichever dim equals the value count, 1 first).
int64_t channel_axis(const ir::ValueInfo& input, size_t channels);
// Makes normalisation part of the graph, as Toolkit2 does: each input x with
// mean/std is read as Div(Sub(x, mean), std), so the model takes raw input.
// fold_input_normalization later folds it into the first Conv where exact.
// Returns, per normalised input, the value its readers now read.
std::map<std::string, std::string> insert_input_normalization(ir::Graph& g,
                                                              const std::vector<format::InputPreprocess>& pre);

}  // namespace rknnc::driver
