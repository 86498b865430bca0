#include "driver/compile_stage.h"

#include <fmt/format.h>

#include "compiler/compile.h"
#include "compiler/layout.h"
#include "compiler/weight_packing.h"
#include "driver/encrypt.h"
#include "driver/shape_sets.h"
#include "util/error.h"

namespace rknnc::driver {

void check_target_support(const config::ModelConfig& cfg, const target::Target& t) {
  if (cfg.configs.sparse_infer && !t.supports_sparse_infer)
    fail_config("{} is not supported for {} (004 §5.11: sparse inference is RK3576 only); remove it",
                cfg.where("configs.sparse_infer"), t.name);
  if (cfg.configs.encrypt_level != 0) check_encryption_support(t, cfg.where("configs.encrypt_level"));
}

compiler::Program compile_for_target(const ir::Graph& g, const config::ModelConfig& cfg, const target::Target& t,
                                     std::vector<std::string>& warnings) {
  compiler::CompileOptions o;
  o.single_core_mode = cfg.configs.single_core_mode;
  o.sparse_infer = cfg.configs.sparse_infer && t.supports_sparse_infer;
  o.placement.op_target = cfg.configs.op_target;
  o.placement.op_target_where = cfg.where("configs.op_target");
  return compiler::compile(g, t, o, warnings);
}

CompiledModel compile_model(ir::Graph graph, const config::ModelConfig& cfg, const target::Target& t,
                            std::vector<std::string>& warnings) {
  CompiledModel m;
  const auto& sets = cfg.configs.dynamic_input;
  if (cfg.rknn_batch_size > 1) graph = with_batch_size(graph, cfg.rknn_batch_size, cfg, t, warnings);
  if (sets.empty()) {
    m.programs.push_back(compile_for_target(graph, cfg, t, warnings));
    m.graph = std::move(graph);
    return m;
  }
  std::vector<ir::Graph> per_set;
  for (size_t k = 0; k < sets.size(); ++k) {
    per_set.push_back(with_input_shapes(graph, sets[k], cfg.where(fmt::format("configs.dynamic_input[{}]", k))));
    std::vector<std::string> set_warnings;  // the same placement for every set: warn once
    m.programs.push_back(compile_for_target(per_set.back(), cfg, t, k == 0 ? warnings : set_warnings));
  }
  m.graph = with_dynamic_dims(graph, per_set);
  m.reported = max_shape_set(sets);
  return m;
}

std::map<std::string, format::TensorAnnotation> tensor_annotations(const compiler::Program& p, const ir::Graph& g) {
  std::map<std::string, format::TensorAnnotation> out;
  for (const compiler::Step& s : p.steps) {
    for (int b : s.outputs) {
      const compiler::Buffer& buf = p.buffers[static_cast<size_t>(b)];
      if (s.kind == compiler::Step::Kind::Compute && buf.layout == compiler::kNc1hwc2)
        out[buf.value] = {compiler::kNc1hwc2, buf.c2};
    }
  }
  for (const auto& [weight, c2] : compiler::packed_weights(p, g)) out[weight] = {compiler::kWeightLayout, c2};
  return out;
}

}  // namespace rknnc::driver
