#pragma once
// `rknnc hybrid step1 --proposal` (001 hybrid_quantization_step1 `proposal`):
// which layers to list as float16 in custom_quantize_layers, measured rather
// than guessed. Every trial builds the model exactly as step2 would (the
// layers in half precision, everything else int8 with the calibrated
// parameters) and compares its outputs with float32 on a few calibration
// samples (cosine over all samples, the lowest of the model's outputs).
//   1. Mixed-range Concats (quant/mixed_range.h) first: the Concat and the
//      int8 layers reading it (through ops that only move values) in float16,
//      so each input keeps its own int8 scale up to the Concat and the
//      output is no longer forced onto one scale. The model output cosine
//      hides this loss (the wide input dominates it), so the comment gives
//      the cosine of the narrow input's part of the Concat output too.
//   2. Greedy: among the kProposalCandidates layers with the lowest
//      single-layer cosine, add the one whose float16 version raises the
//      output cosine most; repeat until the target cosine, max_layers, or no
//      candidate raises it any more. At most kProposalCandidates ·
//      max_layers + 1 simulated runs on kProposalSamples samples.
// docs/hybrid.md "Proposal".
#include <atomic>
#include <string>
#include <utility>
#include <vector>

#include "ir/graph.h"
#include "quant/calibrate.h"
#include "quant/hybrid_cfg.h"
#include "quant/quantize_graph.h"
#include "runtime/executor.h"

namespace rknnc::quant {

inline constexpr double kDefaultTargetCos = 0.995;
inline constexpr int kDefaultMaxLayers = 8;
inline constexpr size_t kProposalCandidates = 8;  // layers the greedy search tries per step
inline constexpr size_t kProposalSamples = 4;     // calibration samples every trial runs

struct ProposalOptions {
  double target_cos = kDefaultTargetCos;
  int max_layers = kDefaultMaxLayers;
};

struct ProposalInput {
  const ir::Graph* prepared = nullptr;  // optimised, prepared for int8, float32
  const Calibration* cal = nullptr;
  Method method = Method::Channel;
  // Layers the greedy search may choose: output tensor, single-layer cosine.
  std::vector<std::pair<std::string, double>> candidates;
  std::vector<runtime::TensorMap> samples;  // graph inputs (at most kProposalSamples are used)
};

struct Proposal {
  double plain_cos = 1, cos = 1;  // model output cosine vs float32: plain int8, with `layers` in float16
  std::vector<CfgLayer> layers;   // float16, in the order chosen, each with its reason
  std::vector<std::string> summary;
};

Proposal propose_float16_layers(const ProposalInput& in, const ProposalOptions& options,
                                const std::atomic<bool>* cancel);

}  // namespace rknnc::quant
