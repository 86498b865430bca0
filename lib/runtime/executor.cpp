#include "runtime/executor.h"

#include <fmt/ranges.h>

#include <algorithm>

#include "runtime/cpu_features.h"

namespace rknnc::runtime {
namespace {

std::string opset_note(const ir::Graph& g) { return g.opset ? fmt::format(", opset {}", g.opset) : ""; }

}  // namespace

std::vector<const ir::Node*> Executor::unsupported_nodes(const ir::Graph& graph) {
  std::vector<const ir::Node*> missing;
  for (const auto& n : graph.nodes)
    if (KernelRegistry::internal(n->op_type) || !KernelRegistry::instance().has_op(n->op_type))
      missing.push_back(n.get());
  return missing;
}

Executor::Executor(const ir::Graph& graph, ThreadPool& pool) : graph_(graph), pool_(pool) {
  cpu_features();  // a bad RKNNC_ISA fails here, before any kernel runs
  auto missing = unsupported_nodes(graph);
  if (!missing.empty()) {
    const ir::Node& n = *missing.front();
    fail("node '{}': op {}{} is not supported by rknnc (supported ops: `rknnc inspect --ops`)", n.name, n.op_type,
         opset_note(graph));
  }
  plan();
}

int Executor::id_of(const std::string& name) {
  auto [it, added] = ids_.emplace(name, static_cast<int>(names_.size()));
  if (added) {
    names_.push_back(name);
    constants_.push_back(graph_.constant(name));
  }
  return it->second;
}

const NodeRunner* Executor::runner_for(const ir::Node& node) {
  std::unique_ptr<NodeRunner>& r = runners_[&node];
  if (!r) r = std::make_unique<NodeRunner>(node, &graph_, &graph_.quant);
  return r.get();
}

// Every value gets an index; each step knows its input / output indices and
// which values die after it, so a run does no name lookups.
std::vector<Executor::Step> Executor::steps_for(const std::vector<const ir::Node*>& nodes) {
  std::vector<Step> steps;
  for (const ir::Node* n : nodes) {
    Step s{n, {}, {}, {}, {}, runner_for(*n)};
    for (const auto& in : n->inputs) s.inputs.push_back(in.empty() ? -1 : id_of(in));
    for (const auto& out : n->outputs) s.outputs.push_back(out.empty() ? -1 : id_of(out));
    steps.push_back(std::move(s));
  }
  std::vector<int> last_use(names_.size(), -1);
  for (size_t i = 0; i < steps.size(); ++i)
    for (int v : steps[i].inputs)
      if (v >= 0) last_use[static_cast<size_t>(v)] = static_cast<int>(i);
  for (size_t v = 0; v < last_use.size(); ++v) {
    const bool keep = constants_[v] || graph_.is_graph_output(names_[v]);
    if (!keep && last_use[v] >= 0) steps[static_cast<size_t>(last_use[v])].release.push_back(static_cast<int>(v));
  }
  for (Step& s : steps)
    for (int v : s.inputs)
      s.donated.push_back(v >= 0 && std::find(s.release.begin(), s.release.end(), v) != s.release.end());
  return steps;
}

void Executor::plan() {
  for (const auto& name : graph_.inputs) input_ids_.push_back(id_of(name));
  std::vector<const ir::Node*> nodes;
  for (const auto& n : graph_.nodes) nodes.push_back(n.get());
  steps_ = steps_for(nodes);
  layout_ = plan_layout(graph_);
  if (!layout_.nodes.empty()) blocked_steps_ = steps_for(layout_.nodes);
  for (const auto& name : graph_.outputs) output_ids_.push_back(id_of(name));
}

void Executor::check_inputs(const TensorMap& inputs) const {
  for (const auto& name : graph_.inputs) {
    auto it = inputs.find(name);
    if (it == inputs.end()) fail("input '{}' was not given", name);
    const ir::ValueInfo* vi = graph_.info(name);
    const ir::Shape& got = it->second.shape();
    if (!vi || !vi->has_shape) continue;
    bool ok = got.size() == vi->shape.size();
    for (size_t d = 0; ok && d < got.size(); ++d) ok = vi->shape[d] < 0 || vi->shape[d] == got[d];
    if (!ok) fail("input '{}' has shape {}, the model expects {}", name, ir::shape_str(got), ir::shape_str(vi->shape));
    if (vi->dtype != it->second.dtype())
      fail("input '{}' is {}, the model expects {}", name, ir::dtype_name(it->second.dtype()),
           ir::dtype_name(vi->dtype));
  }
}

std::vector<ir::Tensor> Executor::run_node(const ir::Node& node, const std::vector<const ir::Tensor*>& inputs,
                                           ThreadPool& pool, const std::map<std::string, ir::QuantParams>* quant) {
  return NodeRunner(node, nullptr, quant).run(inputs, pool);
}

TensorMap Executor::run(const TensorMap& inputs, const NodeObserver& observer) const {
  check_inputs(inputs);
  std::vector<ir::Tensor> values(names_.size());
  for (size_t k = 0; k < input_ids_.size(); ++k)
    values[static_cast<size_t>(input_ids_[k])] = inputs.at(graph_.inputs[k]);
  std::vector<const ir::Tensor*> args;
  for (const Step& s : observer || blocked_steps_.empty() ? steps_ : blocked_steps_) {
    args.clear();
    for (int v : s.inputs) {
      if (v < 0) {
        args.push_back(nullptr);
        continue;
      }
      const size_t u = static_cast<size_t>(v);
      const ir::Tensor* t = constants_[u] ? constants_[u] : &values[u];
      if (t->empty() && !constants_[u]) fail("node '{}' reads '{}', which was not computed", s.node->name, names_[u]);
      args.push_back(t);
    }
    std::vector<ir::Tensor> outs = s.runner->run(args, pool_, &s.donated);
    if (observer) observer(*s.node, outs);
    for (size_t o = 0; o < outs.size(); ++o)
      if (s.outputs[o] >= 0) values[static_cast<size_t>(s.outputs[o])] = std::move(outs[o]);
    for (int v : s.release) values[static_cast<size_t>(v)] = ir::Tensor();
  }
  TensorMap result;
  for (size_t k = 0; k < output_ids_.size(); ++k) {
    const size_t u = static_cast<size_t>(output_ids_[k]);
    const ir::Tensor* t = constants_[u] ? constants_[u] : &values[u];
    if (t->empty()) fail("graph output '{}' was not computed", graph_.outputs[k]);
    result[graph_.outputs[k]] = *t;
  }
  return result;
}

}  // namespace rknnc::runtime
