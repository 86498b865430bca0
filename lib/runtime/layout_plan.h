#pragma once
// Which values the Executor holds channel-blocked (NCHW16c: N, C/16, H, W,
// 16) instead of NCHW, so that convolutions read and write the layout
// their direct kernels want (kernels/helpers/blocked_conv.h) and no layer
// copies its input into padded phases or transposes channel blocks.
//
// A blocked value is held as a 5-D tensor of those dims under its name plus
// kBlockedSuffix; channels past C are padding lanes that no kernel reads
// into a real channel. The plan is the graph's node list with:
//   - Conv (fp32, 2-D, constant weights, group 1 or depthwise) as
//     rknnc.ConvBlocked, writing a blocked output: a depthwise one when its
//     input is blocked; a group-1 one when a reader wants the output blocked
//     (a convolution, or element-wise ops leading to one), or when its input
//     is blocked and its output no larger;
//   - a group-1 Conv of an NCHW input of 16 channels or more unchanged, then
//     rknnc.ToBlocked of its output (an RGB stem reads its input as it is);
//   - element-wise ops whose operands are all blocked values of one shape
//     (or single numbers) unchanged, on the 5-D tensors: the same values
//     position by position; BatchNormalization, MaxPool and
//     GlobalAveragePool as rknnc.BatchNormalizationBlocked /
//     rknnc.MaxPoolBlocked / rknnc.GlobalAveragePoolBlocked (a global pool
//     counts as a reader that wants its input blocked); Concat along the
//     channels of blocks (every input a multiple of 16 channels);
//   - an rknnc.ToPlain node after each blocked value that a graph output or
//     another op reads, writing the NCHW value under its own name.
// Each output keeps its bits: every kernel computes each value as its
// plain kernel does (tests/unit/test_layout_plan.cpp; docs/runtime.md,
// "Channel-blocked activations").
#include <memory>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace rknnc::runtime {

inline constexpr const char* kBlockedSuffix = "#nchw16c";

struct LayoutPlan {
  std::vector<const ir::Node*> nodes;               // in run order: the graph's and `owned`
  std::vector<std::unique_ptr<ir::Node>> owned;     // rewritten and added nodes
  int blocked_values = 0;
};

// The blocked plan of `graph`, or an empty one (no nodes) when no value
// would be blocked: a float16 or int8 graph, a CPU without the blocked
// kernels, no such convolution, or RKNNC_LAYOUT=plain.
LayoutPlan plan_layout(const ir::Graph& graph);

}  // namespace rknnc::runtime
