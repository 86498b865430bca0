#include "frontends/shape_fill.h"

#include "runtime/executor.h"
#include "util/error.h"

namespace rknnc::frontends {
namespace {

bool complete(const ir::ValueInfo* vi) {
  return vi && vi->dtype != ir::DataType::Undefined && vi->has_shape && ir::shape_is_static(vi->shape);
}

bool needs_fill(const ir::Graph& g) {
  for (const auto& n : g.nodes)
    for (const auto& o : n->outputs)
      if (!o.empty() && !complete(g.info(o))) return true;
  return false;
}

// Runs the graph once and records every node output's dtype (and shape,
// when the inputs were static and the graph had none).
void run_recording_shapes(runtime::Executor& exec, const runtime::TensorMap& feeds, ir::Graph& g, bool static_inputs) {
  exec.run(feeds, [&](const ir::Node& node, const std::vector<ir::Tensor>& outs) {
    for (size_t i = 0; i < outs.size(); ++i) {
      if (node.outputs[i].empty()) continue;
      ir::ValueInfo& vi = g.values[node.outputs[i]];
      const bool had_shape = complete(&vi);
      vi.dtype = outs[i].dtype();
      if (!had_shape) {
        vi.shape = outs[i].shape();
        vi.has_shape = static_inputs;
      }
    }
  });
}

}  // namespace

void fill_shapes_by_execution(ir::Graph& g, const std::string& file, bool always) {
  if (!always && !needs_fill(g)) return;
  bool static_inputs = true;
  runtime::TensorMap feeds;
  for (const auto& in : g.inputs) {
    const ir::ValueInfo& vi = g.values.at(in);
    ir::Shape shape = vi.shape;
    for (auto& d : shape)
      if (d < 0) d = 1, static_inputs = false;
    if (!vi.has_shape) fail("{}: input '{}' has no shape; give it in subgraphs.input_size_list", file, in);
    feeds[in] = ir::Tensor(vi.dtype, shape);
  }
  // Outputs are recorded even for graph outputs, so run through every node.
  try {  // the Executor names an op without kernel; the file is added here
    runtime::Executor exec(g);
    run_recording_shapes(exec, feeds, g, static_inputs);
  } catch (const Error& e) {  // a kernel names the node; the message also names the model file
    throw Error(e.code(), fmt::format("{}: {}", file, e.what()));
  }
}

}  // namespace rknnc::frontends
