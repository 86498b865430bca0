#pragma once
// The clipping range of an activation from its calibration statistics
// (quantized_algorithm, 004 §6.1 / 001 config):
//   normal         [min, max] as observed;
//   kl_divergence  the window whose 256-level quantisation of the histogram
//                  is closest to the full histogram in Kullback-Leibler
//                  divergence (outliers folded into the edge bins);
//   mmse           the window minimising the expected squared
//                  quantise-dequantise error (rounding inside, clipping outside).
// Candidate windows shrink [min, max] towards 0 (the value every int8 range
// must represent exactly) by a geometric series of factors.
#include <string>

#include "quant/tensor_stats.h"

namespace rknnc::quant {

struct Range {
  float lo = 0, hi = 0;
};

enum class Algorithm { Normal, KlDivergence, Mmse };
// From the YAML name; throws for an unknown one (the schema rejects them first).
Algorithm algorithm_from_name(const std::string& name);
bool needs_histogram(Algorithm a);

Range choose_range(const TensorStats& stats, Algorithm algorithm);

}  // namespace rknnc::quant
