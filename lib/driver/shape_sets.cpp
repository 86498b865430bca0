#include "driver/shape_sets.h"

#include <fmt/format.h>

#include <map>

#include "runtime/executor.h"
#include "util/error.h"

namespace rknnc::driver {

ir::Graph with_input_shapes(const ir::Graph& g, const ShapeSet& shapes, const std::string& what) {
  ir::Graph out = g;
  runtime::TensorMap zeros;
  for (size_t i = 0; i < g.inputs.size(); ++i) {
    ir::ValueInfo& vi = out.values[g.inputs[i]];
    vi.shape = shapes.at(i);
    vi.has_shape = true;
    zeros[g.inputs[i]] = ir::Tensor(vi.dtype, vi.shape);
  }
  std::map<std::string, ir::ValueInfo> derived;
  try {
    runtime::Executor(out).run(zeros, [&](const ir::Node& n, const std::vector<ir::Tensor>& outs) {
      for (size_t k = 0; k < outs.size() && k < n.outputs.size(); ++k)
        derived[n.outputs[k]] = {outs[k].dtype(), outs[k].shape(), true};
    });
  } catch (const Error& e) {
    std::vector<std::string> names;
    for (const auto& s : shapes) names.push_back(ir::shape_str(s));
    fail("{}: the model does not run with input shape(s) {}: {}", what, fmt::join(names, ", "), e.what());
  }
  for (auto& [name, vi] : derived) out.values[name] = vi;
  return out;
}

ir::Graph with_batch_size(const ir::Graph& g, int n, const config::ModelConfig& cfg, const target::Target& t,
                          std::vector<std::string>& warnings) {
  const std::string where = cfg.where("rknn_batch_size");
  if (n < 1) fail_config("{} is {}; give a batch size of 1 or more", where, n);
  ShapeSet shapes;
  for (const auto& in : g.inputs) {
    const ir::ValueInfo* vi = g.info(in);
    if (!vi || !vi->has_shape || vi->shape.empty() || vi->shape[0] != 1)
      fail_config("{} is {}, but input '{}' has shape {}: the first dimension must be a batch of 1", where, n, in,
                  vi && vi->has_shape ? ir::shape_str(vi->shape) : "unknown");
    shapes.push_back(vi->shape);
    shapes.back()[0] = n;
  }
  if (t.data.contains("limits") && t.data["limits"].contains("batch_size_multiple")) {
    const int multiple = t.data["limits"]["batch_size_multiple"]["value"].get<int>();
    if (n % multiple != 0)
      warnings.push_back(fmt::format("{} is {}; on {} a multiple of {} keeps every NPU core busy (004 §5.6.2)", where,
                                     n, t.name, multiple));
  }
  return with_input_shapes(g, shapes, where);
}

void check_dynamic_input(const config::ModelConfig& cfg, const ir::Graph& declared, const target::Target& t) {
  const std::string where = cfg.where("configs.dynamic_input");
  const auto& sets = cfg.configs.dynamic_input;
  if (!t.supports_dynamic_input)
    fail_config("{} is not supported for {} (004 §5.4.2 lists the platforms with dynamic shapes); remove it", where,
                t.name);
  for (size_t k = 0; k < sets.size(); ++k) {
    if (sets[k].size() != declared.inputs.size())
      fail_config("{}[{}] has {} shape(s), the model has {} input(s)", where, k, sets[k].size(), declared.inputs.size());
    for (size_t i = 0; i < sets[k].size(); ++i) {
      const std::string& name = declared.inputs[i];
      const ir::ValueInfo* vi = declared.info(name);
      if (!vi || !vi->has_shape) continue;
      if (sets[k][i].size() != vi->shape.size())
        fail_config("{}[{}][{}] has {} dims, input '{}' has {}", where, k, i, sets[k][i].size(), name, vi->shape.size());
      for (size_t d = 0; d < vi->shape.size(); ++d)
        if (vi->shape[d] >= 0 && sets[k][i][d] != vi->shape[d])
          fail_config("{}[{}][{}] sets dim {} of input '{}' to {}, but the model fixes it at {} (only dynamic axes, "
                      "shape {}, may vary)",
                      where, k, i, d, name, sets[k][i][d], vi->shape[d], ir::shape_str(vi->shape));
    }
  }
}

size_t max_shape_set(const std::vector<ShapeSet>& sets) {
  const auto volume = [](const ShapeSet& set) {
    int64_t v = 0;
    for (const auto& shape : set) {
      int64_t n = 1;
      for (int64_t d : shape) n *= d;
      v += n;
    }
    return v;
  };
  size_t best = 0;
  for (size_t i = 1; i < sets.size(); ++i)
    if (volume(sets[i]) > volume(sets[best])) best = i;
  return best;
}

ir::Graph with_dynamic_dims(const ir::Graph& g, const std::vector<ir::Graph>& per_set) {
  ir::Graph out = g;
  for (auto& [name, vi] : out.values) {
    if (!vi.has_shape || g.is_constant(name)) continue;
    for (const ir::Graph& s : per_set) {
      const ir::ValueInfo* other = s.info(name);
      if (!other || other->shape.size() != vi.shape.size()) continue;
      for (size_t d = 0; d < vi.shape.size(); ++d)
        if (other->shape[d] != vi.shape[d]) vi.shape[d] = -1;
    }
  }
  return out;
}

}  // namespace rknnc::driver
