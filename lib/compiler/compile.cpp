#include "compiler/compile.h"

#include "compiler/assign_layouts.h"
#include "compiler/cost_model.h"
#include "compiler/memory_plan.h"

namespace rknnc::compiler {

Program compile(const ir::Graph& g, const target::Target& t, const CompileOptions& o,
                std::vector<std::string>& warnings) {
  Program p;
  p.target = t.name;
  p.cores = o.single_core_mode ? 1 : t.npu_cores;
  for (const auto& in : g.inputs)
    if (const ir::ValueInfo* info = g.info(in)) p.input_shapes[in] = info->shape;
  const auto placement = place_nodes(g, t, o.placement, warnings);
  assign_layouts(p, g, t, placement);
  plan_memory(p, g, t);
  estimate_costs(p, g, t, p.cores, o.sparse_infer);
  return p;
}

}  // namespace rknnc::compiler
