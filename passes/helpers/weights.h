#pragma once
// Per-output-channel views of the constant weight of Conv, ConvTranspose and
// Gemm: which output channel each weight element feeds, the node's bias as
// per-channel values, and rewriting both.
#include <optional>
#include <vector>

#include "ir/graph.h"

namespace rknnc::passes {

struct OutChannelLayout {
  enum class Kind { Conv, ConvTranspose, GemmTransB, GemmPlain } kind = Kind::Conv;
  int64_t channels = 0;   // output channels (Conv M, Gemm N)
  int64_t inner = 1;      // elements per (row, channel) slice: kernel size, or K for Gemm with transB
  int64_t per_group = 1;  // ConvTranspose: output channels per group (W is [C, M/g, k…])
  int64_t in_per_group = 1;  // ConvTranspose: input channels per group
  // The output channel fed by weight element e.
  int64_t channel_of(int64_t e) const;
};

// Layout of input 1 of a Conv / ConvTranspose / Gemm whose weight is a float32
// constant; nullopt for other ops, non-constant weights or Gemm with transA
// weights we cannot read per column.
std::optional<OutChannelLayout> out_channel_layout(const ir::Graph& g, const ir::Node& node);
// W[e] * scale[channel_of(e)], computed in double, stored as float32.
ir::Tensor scale_weight(const ir::Tensor& w, const OutChannelLayout& layout, const std::vector<double>& scale);
// The node's effective per-channel bias (Gemm: beta*C; absent: zeros);
// nullopt when the bias does not broadcast per output channel.
std::optional<std::vector<double>> effective_bias(const ir::Graph& g, const ir::Node& node,
                                                  const OutChannelLayout& layout);
// Stores a new bias constant of `channels` float32 values as input 2 (Gemm: beta = 1).
void set_bias(ir::Graph& g, ir::Node& node, const std::vector<double>& bias);
// Copy of `t` without the indices `drop[i] == true` of dimension `axis`.
ir::Tensor drop_along_axis(const ir::Tensor& t, size_t axis, const std::vector<bool>& drop);
// Stores a new float32 weight constant as input 1.
void set_weight(ir::Graph& g, ir::Node& node, ir::Tensor w);

}  // namespace rknnc::passes
