#include "passes/helpers/rewrite.h"

#include <algorithm>

namespace rknnc::passes {

void erase_node(ir::Graph& g, const ir::Node* node) {
  g.remove_nodes_if([&](const ir::Node& n) { return &n == node; });
}

void rename_value(ir::Graph& g, const std::string& from, const std::string& to) {
  for (auto& n : g.nodes)
    for (auto& out : n->outputs)
      if (out == from) out = to;
  g.replace_all_uses(from, to);
  auto it = g.values.find(from);
  if (it != g.values.end()) {
    g.values[to] = it->second;
    g.values.erase(from);
  }
}

bool bypass_node(ir::Graph& g, ir::Node& node, size_t input) {
  const std::string in = node.input(input);
  const std::string out = node.outputs.empty() ? std::string() : node.outputs[0];
  if (in.empty() || out.empty()) return false;
  if (!g.is_graph_output(out)) {
    g.replace_all_uses(out, in);
    erase_node(g, &node);
    g.values.erase(out);
    return true;
  }
  // The output name is user-visible: rename the input to it instead.
  if (!g.producer(in) || g.is_graph_output(in)) return false;
  ir::ValueInfo kept = g.values[out];
  erase_node(g, &node);
  g.values.erase(out);
  rename_value(g, in, out);
  g.values[out] = kept;
  return true;
}

int64_t bypass_nodes_if(ir::Graph& g, const std::function<bool(const ir::Graph&, const ir::Node&)>& pred,
                        std::map<std::string, int64_t>* by_op) {
  int64_t removed = 0;
  for (size_t i = 0; i < g.nodes.size();) {
    ir::Node& n = *g.nodes[i];
    const std::string op = n.op_type;
    if (pred(g, n) && bypass_node(g, n)) {
      ++removed;
      if (by_op) ++(*by_op)[op];
      continue;  // node i was erased; the next node moved into slot i
    }
    ++i;
  }
  if (removed) g.remove_unused_values();
  return removed;
}

void absorb_consumer(ir::Graph& g, ir::Node& producer, ir::Node& consumer) {
  const std::string old_out = producer.outputs[0];
  producer.outputs[0] = consumer.outputs[0];
  erase_node(g, &consumer);
  g.values.erase(old_out);
}

std::string set_constant_input(ir::Graph& g, ir::Node& node, size_t i, ir::Tensor t, const std::string& base) {
  const std::string name = g.unique_name(base);
  g.add_constant(name, std::move(t));
  if (node.inputs.size() <= i) node.inputs.resize(i + 1);
  node.inputs[i] = name;
  return name;
}

std::string unique_node_name(const ir::Graph& g, const std::string& base) { return g.unique_name(base); }

}  // namespace rknnc::passes
