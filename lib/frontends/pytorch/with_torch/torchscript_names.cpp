// The graph's input names and a node's source line, for names and errors.
#include <fmt/format.h>

#include <functional>

#include "frontends/pytorch/with_torch/torchscript_walk.h"

namespace rknnc::frontends::pytorch {
namespace {
using torch::jit::Node;
using torch::jit::Value;

// "x.1" becomes "x", the forward() argument's name, when no other value
// has that name.
std::string input_name(torch::jit::Graph& graph, Value* v) {
  if (!v->hasDebugName()) return v->debugName();
  const std::string base = v->debugNameBase();
  std::function<bool(torch::jit::Block*)> taken = [&](torch::jit::Block* b) {
    for (Value* in : b->inputs())
      if (in != v && in->debugName() == base) return true;
    for (Node* n : b->nodes()) {
      for (Value* o : n->outputs())
        if (o->debugName() == base) return true;
      for (torch::jit::Block* inner : n->blocks())
        if (taken(inner)) return true;
    }
    return false;
  };
  return taken(graph.block()) ? v->debugName() : base;
}

}  // namespace

void name_inputs(torch::jit::Graph& graph) {
  for (size_t i = 1; i < graph.inputs().size(); ++i) graph.inputs()[i]->setDebugName(input_name(graph, graph.inputs()[i]));
}

std::string source_line(const Node& node) {
  const auto& range = node.sourceRange();
  std::string text;
  if (range.source()) {
    text = range.text().str();
    if (auto pos = text.find('\n'); pos != std::string::npos) text.resize(pos);
  }
  if (const auto flc = range.file_line_col())
    return fmt::format("{}:{}: {}", std::get<0>(*flc), std::get<1>(*flc), text);
  return text.empty() ? "no source recorded" : text;
}

}  // namespace rknnc::frontends::pytorch
