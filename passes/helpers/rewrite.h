#pragma once
// Rewrite helpers shared by the passes. They keep value infos consistent so
// the verifier (run after every pass) accepts the result.
#include <functional>
#include <map>
#include <string>

#include "ir/graph.h"

namespace rknnc::passes {

// Removes `node` (by identity) from the graph. Its outputs lose their producer;
// callers rewire readers first.
void erase_node(ir::Graph& g, const ir::Node* node);
// Makes every reader of node.outputs[0] read node.inputs[input] instead and
// removes the node. When the output is a graph output, the graph keeps its
// output name: the input value is renamed instead, which is only possible when
// it is produced by a node and is not itself a graph output (returns false
// and changes nothing otherwise).
bool bypass_node(ir::Graph& g, ir::Node& node, size_t input = 0);
// Bypasses (see above) every node for which pred(graph, node) holds, in
// order; returns how many were removed (counted per op type into
// `by_op` when given). Unused value infos are dropped.
int64_t bypass_nodes_if(ir::Graph& g, const std::function<bool(const ir::Graph&, const ir::Node&)>& pred,
                        std::map<std::string, int64_t>* by_op = nullptr);
// `producer` takes over the first output of `consumer` (which must read
// producer.outputs[0] and be its only reader); `consumer` is removed.
void absorb_consumer(ir::Graph& g, ir::Node& producer, ir::Node& consumer);
// Renames a value produced by a node everywhere (producer, readers, graph
// outputs, value info).
void rename_value(ir::Graph& g, const std::string& from, const std::string& to);
// Stores `t` as a new constant named after `base` and makes input i of
// `node` read it (growing the input list when needed). Returns the name.
std::string set_constant_input(ir::Graph& g, ir::Node& node, size_t i, ir::Tensor t, const std::string& base);
// A node name not used yet, derived from `base`.
std::string unique_node_name(const ir::Graph& g, const std::string& base);

}  // namespace rknnc::passes
