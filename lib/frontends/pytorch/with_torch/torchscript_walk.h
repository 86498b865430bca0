#pragma once
// Executes a frozen TorchScript graph once on zero inputs of the configured
// shapes and records what the ONNX translation needs (torch_graph.h).
#include <torch/csrc/jit/ir/ir.h>

#include <string>
#include <vector>

#include "frontends/pytorch/torch_graph.h"

namespace rknnc::frontends::pytorch {

// `file` names the model in errors; `shapes` has one shape per graph input
// (the module's `self` excluded).
TorchGraph walk_torchscript(torch::jit::Graph& graph, const std::vector<ir::Shape>& shapes, const std::string& file);

// Names the graph's inputs by their forward() arguments ("x", not "x.1")
// where that name is free.
void name_inputs(torch::jit::Graph& graph);

// "code.py:12: x = self.conv(x)" — the node's TorchScript source, one line.
std::string source_line(const torch::jit::Node& node);

}  // namespace rknnc::frontends::pytorch
