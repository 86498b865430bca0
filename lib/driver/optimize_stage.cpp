#include "driver/optimize_stage.h"

#include "dataset/dataset_list.h"
#include "driver/compile_stage.h"
#include "driver/preprocess.h"
#include "driver/shape_sets.h"
#include "frontends/frontend.h"
#include "ir/verifier.h"
#include "runtime/executor.h"
#include "util/cancel.h"
#include "util/error.h"

namespace rknnc::driver {
namespace {

frontends::LoadOptions load_options(const config::ModelConfig& cfg) {
  frontends::LoadOptions o;
  o.inputs = cfg.subgraphs.inputs;
  o.input_shapes = cfg.subgraphs.input_size_list;
  o.outputs = cfg.subgraphs.outputs;
  o.options_where = cfg.where("subgraphs");
  return o;
}

// The graph must be executable by the runtime: name the first op it cannot run.
void check_supported(const ir::Graph& g, const config::ModelConfig& cfg) {
  auto missing = runtime::Executor::unsupported_nodes(g);
  if (missing.empty()) return;
  const ir::Node& n = *missing.front();
  fail("{}: node '{}' has op {} (opset {}), which rknnc cannot convert ({} such node(s)); "
       "cut it off with subgraphs.outputs or replace it in the model",
       cfg.model_file_path.string(), n.name, n.op_type, g.opset, missing.size());
}

// The source model with the config's input shapes; with dynamic_input, the
// shape sets are checked against the model as declared and the graph takes
// MaxShape, which calibration uses (004 §5.4.3).
ir::Graph load_graph(const config::ModelConfig& cfg, const target::Target& tgt) {
  frontends::LoadOptions load = load_options(cfg);
  const auto& sets = cfg.configs.dynamic_input;
  if (!sets.empty()) {
    if (cfg.rknn_batch_size > 1)
      fail_config("{}: rknn_batch_size and configs.dynamic_input together are not supported; put the batch into the "
                  "dynamic_input shapes", cfg.yaml_path.string());
    frontends::LoadOptions declared = load;
    declared.input_shapes.clear();
    check_dynamic_input(cfg, frontends::load_model(cfg.platform, cfg.model_file_path, declared), tgt);
    load.input_shapes = sets[max_shape_set(sets)];
  }
  return frontends::load_model(cfg.platform, cfg.model_file_path, load);
}

}  // namespace

OptimizedModel load_and_optimize(const ConvertRequest& req, ConvertResult& result, StageTimer& timer,
                                 const std::function<void(const config::ModelConfig&)>& check_config) {
  OptimizedModel m;
  m.cfg = config::load_model_config(req.yaml);
  m.tgt = target::find_target(req.target);
  const config::ModelConfig& cfg = m.cfg;
  check_target_support(cfg, m.tgt);
  if (check_config) check_config(cfg);
  result.model_name = cfg.name;
  result.warnings = cfg.warnings;
  timer.done("config");
  throw_if_cancelled(req.cancel);

  m.graph = load_graph(cfg, m.tgt);
  config::check_against_model(cfg, m.graph);
  if (!cfg.dataset.empty()) dataset::read_dataset_list(cfg.dataset, m.graph.inputs.size());
  ir::verify(m.graph, "after loading " + cfg.model_file_path.filename().string());
  m.ops_before = m.graph.op_histogram();
  m.weight_bytes_before = m.graph.constant_bytes();
  if (quant::has_qdq_nodes(m.graph)) {
    m.qdq = quant::import_qdq(m.graph);
    for (const auto& w : m.qdq->warnings) result.warnings.push_back(cfg.model_file_path.filename().string() + ": " + w);
    ir::verify(m.graph, "after reading the QuantizeLinear / DequantizeLinear nodes");
  }
  timer.done("load");
  throw_if_cancelled(req.cancel);

  m.preprocess = input_preprocess(cfg, m.graph);
  // A quantised model's input parameters describe the value its first layer
  // reads: after mean / std that is the normalised input, not the raw one
  // (Toolkit2's QAT tflite: uint8 pixels, scale 1/128, mean = std = 128).
  for (const auto& [input, normalised] : insert_input_normalization(m.graph, m.preprocess))
    if (m.qdq)
      if (auto it = m.qdq->params.find(input); it != m.qdq->params.end()) {
        m.qdq->params[normalised] = it->second;
        m.qdq->params.erase(input);
      }
  passes::PassContext ctx;
  ctx.config = &cfg;
  ctx.warnings = &result.warnings;
  ctx.log = &result.log;
  m.pass_records = passes::run_pipeline(m.graph, cfg.configs.optimization_level, ctx);
  check_supported(m.graph, cfg);
  for (const auto& r : m.pass_records)
    result.log.push_back(fmt::format("pass {:<28} -{} +{} nodes, {} bytes saved, {:.3f} ms", r.name,
                                     r.stats.nodes_removed, r.stats.nodes_added, r.stats.bytes_saved, r.seconds * 1e3));
  timer.done("optimize");
  throw_if_cancelled(req.cancel);
  return m;
}

}  // namespace rknnc::driver
