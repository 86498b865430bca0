#pragma once
// Inference BatchNormalization as a per-channel affine map y = x·scale + shift.
#include <optional>
#include <vector>

#include "ir/graph.h"

namespace rknnc::passes {

struct ChannelAffine {
  std::vector<double> scale, shift;
};

// True for a BatchNormalization in inference mode whose extra (training)
// outputs nobody reads.
bool is_inference_batchnorm(const ir::Graph& g, const ir::Node& bn);
// scale = γ / sqrt(var + ε), shift = β − mean·scale, from constant float32
// parameters of `channels` values each; nullopt otherwise.
std::optional<ChannelAffine> batchnorm_affine(const ir::Graph& g, const ir::Node& bn, int64_t channels);

}  // namespace rknnc::passes
