#include "ir/graph.h"

#include <algorithm>
#include <set>

#include "util/error.h"

namespace rknnc::ir {

const std::string& Node::input(size_t i) const {
  static const std::string kNone;
  return i < inputs.size() ? inputs[i] : kNone;
}

Graph::Graph(const Graph& other)
    : name(other.name), opset(other.opset), inputs(other.inputs), outputs(other.outputs),
      values(other.values), initializers(other.initializers), metadata(other.metadata), quant(other.quant) {
  nodes.reserve(other.nodes.size());
  for (const auto& n : other.nodes) nodes.push_back(std::make_unique<Node>(*n));
}

Graph& Graph::operator=(const Graph& other) {
  if (this != &other) *this = Graph(other);
  return *this;
}

const Tensor* Graph::constant(const std::string& value) const {
  auto it = initializers.find(value);
  return it == initializers.end() ? nullptr : &it->second;
}

const QuantParams* Graph::quant_params(const std::string& value) const {
  auto it = quant.find(value);
  return it == quant.end() ? nullptr : &it->second;
}

const ValueInfo* Graph::info(const std::string& value) const {
  auto it = values.find(value);
  return it == values.end() ? nullptr : &it->second;
}

Node* Graph::producer(const std::string& value) const {
  if (value.empty()) return nullptr;
  for (const auto& n : nodes)
    if (std::find(n->outputs.begin(), n->outputs.end(), value) != n->outputs.end()) return n.get();
  return nullptr;
}

std::vector<Node*> Graph::consumers(const std::string& value) const {
  std::vector<Node*> out;
  if (value.empty()) return out;
  for (const auto& n : nodes)
    if (std::find(n->inputs.begin(), n->inputs.end(), value) != n->inputs.end()) out.push_back(n.get());
  return out;
}

bool Graph::is_graph_output(const std::string& value) const {
  return std::find(outputs.begin(), outputs.end(), value) != outputs.end();
}

Node& Graph::add_node(std::unique_ptr<Node> node) {
  node->attrs.owner = node->name;
  nodes.push_back(std::move(node));
  return *nodes.back();
}

void Graph::add_constant(const std::string& value_name, Tensor t) {
  values[value_name] = ValueInfo{t.dtype(), t.shape(), true};
  initializers[value_name] = std::move(t);
}

std::string Graph::unique_name(const std::string& base) const {
  auto used = [&](const std::string& s) {
    if (values.count(s) || initializers.count(s)) return true;
    return std::any_of(nodes.begin(), nodes.end(), [&](const auto& n) { return n->name == s; });
  };
  if (!used(base)) return base;
  for (int i = 1;; ++i) {
    std::string candidate = base + "_" + std::to_string(i);
    if (!used(candidate)) return candidate;
  }
}

void Graph::replace_all_uses(const std::string& from, const std::string& to) {
  for (auto& n : nodes)
    for (auto& in : n->inputs)
      if (in == from) in = to;
  for (auto& out : outputs)
    if (out == from) out = to;
}

size_t Graph::remove_unused_values() {
  std::set<std::string> referenced(inputs.begin(), inputs.end());
  referenced.insert(outputs.begin(), outputs.end());
  for (const auto& n : nodes) {
    referenced.insert(n->inputs.begin(), n->inputs.end());
    referenced.insert(n->outputs.begin(), n->outputs.end());
  }
  size_t removed = std::erase_if(initializers, [&](const auto& kv) { return !referenced.count(kv.first); });
  std::erase_if(values, [&](const auto& kv) { return !referenced.count(kv.first); });
  std::erase_if(quant, [&](const auto& kv) { return !referenced.count(kv.first); });
  return removed;
}

void Graph::sort_topologically() {
  std::set<std::string> available(inputs.begin(), inputs.end());
  for (const auto& [k, v] : initializers) available.insert(k);
  available.insert("");
  std::vector<std::unique_ptr<Node>> sorted;
  sorted.reserve(nodes.size());
  std::vector<bool> placed(nodes.size(), false);
  bool progress = true;
  while (sorted.size() < nodes.size() && progress) {
    progress = false;
    for (size_t i = 0; i < nodes.size(); ++i) {
      if (placed[i]) continue;
      const Node& n = *nodes[i];
      if (!std::all_of(n.inputs.begin(), n.inputs.end(), [&](const std::string& v) { return available.count(v); }))
        continue;
      available.insert(n.outputs.begin(), n.outputs.end());
      placed[i] = true;
      progress = true;
      sorted.push_back(std::move(nodes[i]));
    }
  }
  if (sorted.size() < nodes.size()) {
    for (size_t i = 0; i < nodes.size(); ++i)
      if (!placed[i])
        fail("graph '{}': node '{}' ({}) reads a value that is never produced or lies on a cycle", name,
             nodes[i]->name, nodes[i]->op_type);
  }
  nodes = std::move(sorted);
}

size_t Graph::remove_unreachable() {
  std::set<std::string> needed(outputs.begin(), outputs.end());
  auto is_live = [&](const Node& n) {
    return std::any_of(n.outputs.begin(), n.outputs.end(), [&](const std::string& o) { return needed.count(o); });
  };
  for (auto it = nodes.rbegin(); it != nodes.rend(); ++it)
    if (is_live(**it)) needed.insert((*it)->inputs.begin(), (*it)->inputs.end());
  size_t removed = remove_nodes_if([&](const Node& n) { return !is_live(n); });
  remove_unused_values();
  return removed;
}

int64_t Graph::constant_bytes() const {
  int64_t total = 0;
  for (const auto& [k, t] : initializers) total += static_cast<int64_t>(t.nbytes());
  return total;
}

std::map<std::string, int> Graph::op_histogram() const {
  std::map<std::string, int> h;
  for (const auto& n : nodes) ++h[n->op_type];
  return h;
}

}  // namespace rknnc::ir
