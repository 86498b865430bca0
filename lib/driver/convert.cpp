#include "driver/convert.h"

#include <chrono>
#include <optional>

#include "config/model_config.h"
#include "dataset/dataset_list.h"
#include "driver/accuracy_stage.h"
#include "driver/compile_stage.h"
#include "driver/numerics.h"
#include "driver/preprocess.h"
#include "driver/shape_sets.h"
#include "format/envelope.h"
#include "format/rknn_file.h"
#include "frontends/frontend.h"
#include "ir/verifier.h"
#include "passes/pipeline.h"
#include "report/build_report.h"
#include "report/perf_report.h"
#include "runtime/executor.h"
#include "target/target.h"
#include "util/atomic_file.h"
#include "util/cancel.h"
#include "util/error.h"

namespace rknnc::driver {
namespace {

class StageTimer {
 public:
  void done(const std::string& stage) {
    const auto now = std::chrono::steady_clock::now();
    timings_.emplace_back(stage, std::chrono::duration<double>(now - last_).count());
    last_ = now;
  }
  const std::vector<std::pair<std::string, double>>& timings() const { return timings_; }

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
  std::vector<std::pair<std::string, double>> timings_;
};

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
  fail("{}: node '{}' has op {} (opset {}), which rknnc does not support yet ({} unsupported node(s)); "
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

// configs.encrypt_key_file, read before any work so a bad key file fails fast.
std::optional<format::EncryptionKey> encryption_key(const config::ModelConfig& cfg) {
  if (cfg.configs.encrypt_level == 0) return std::nullopt;
  try {
    return format::load_key_file(cfg.configs.encrypt_key_file);
  } catch (const Error& e) {
    fail_config("{}: {}", cfg.where("configs.encrypt_key_file"), e.what());
  }
}

// The .rknn bytes and file name: {name}.rknn, or {name}.crypt.rknn encrypted
// (only that one: a plain copy beside it would defeat the encryption). The
// key file's path stays out of the model's metadata (build.json has it).
std::pair<std::string, std::string> rknn_output(format::RknnModel& model, const config::ModelConfig& cfg,
                                                const std::optional<format::EncryptionKey>& key) {
  if (!key) return {format::serialize_rknn(model), cfg.name + ".rknn"};
  model.config_echo["configs"].erase("encrypt_key_file");
  return {format::serialize_encrypted_rknn(model, cfg.configs.encrypt_level, *key), cfg.name + ".crypt.rknn"};
}

}  // namespace

ConvertResult convert(const ConvertRequest& req) {
  StageTimer timer;
  ConvertResult result;
  const config::ModelConfig cfg = config::load_model_config(req.yaml);
  const target::Target tgt = target::find_target(req.target);
  check_target_support(cfg, tgt);
  const std::optional<format::EncryptionKey> key = encryption_key(cfg);
  result.model_name = cfg.name;
  result.warnings = cfg.warnings;
  timer.done("config");
  throw_if_cancelled(req.cancel);

  ir::Graph graph = load_graph(cfg, tgt);
  config::check_against_model(cfg, graph);
  if (!cfg.dataset.empty()) dataset::read_dataset_list(cfg.dataset, graph.inputs.size());
  ir::verify(graph, "after loading " + cfg.model_file_path.filename().string());
  const auto ops_before = graph.op_histogram();
  const int64_t weight_bytes_before = graph.constant_bytes();
  timer.done("load");
  throw_if_cancelled(req.cancel);

  const auto preprocess = input_preprocess(cfg, graph);
  insert_input_normalization(graph, preprocess);
  passes::PassContext ctx;
  ctx.config = &cfg;
  ctx.warnings = &result.warnings;
  ctx.log = &result.log;
  const auto pass_records = passes::run_pipeline(graph, cfg.configs.optimization_level, ctx);
  check_supported(graph, cfg);
  for (const auto& r : pass_records)
    result.log.push_back(fmt::format("pass {:<28} -{} +{} nodes, {} bytes saved, {:.3f} ms", r.name,
                                     r.stats.nodes_removed, r.stats.nodes_added, r.stats.bytes_saved, r.seconds * 1e3));
  timer.done("optimize");
  throw_if_cancelled(req.cancel);

  NumericsResult numerics = apply_numerics(graph, cfg, req.cancel, result.warnings, result.log);
  ir::verify(graph, "after quantisation");
  timer.done("quantize");
  throw_if_cancelled(req.cancel);

  // -a analyses the graph as calibrated (one frame, MaxShape).
  CompiledModel compiled = compile_model(graph, cfg, tgt, result.warnings);
  const compiler::Program& program = compiled.programs[compiled.reported];
  timer.done("compile");
  throw_if_cancelled(req.cancel);

  format::RknnModel model{compiled.graph, cfg.name, tgt.name, RKNNC_VERSION, cfg.configs.custom_string, preprocess,
                          cfg.echo};
  model.tensors = tensor_annotations(program, compiled.graph);
  model.programs = compiled.programs;
  model.compress_weights = cfg.configs.compress_weight;
  model.remove_weights = cfg.configs.remove_weight;
  const auto [rknn_bytes, rknn_name] = rknn_output(model, cfg, key);
  const auto path = [&](const char* suffix) { return req.out_dir / (cfg.name + suffix); };
  const auto rknn_path = req.out_dir / rknn_name, report_path = path(".build.json");
  const nlohmann::json perf = report::perf_json(program, compiled.graph, tgt, cfg.name);
  StagedOutputs out;
  out.add(path(".perf.json"), report::dump_report(perf));
  out.add(path(".perf.txt"), report::perf_text(perf));
  out.add(path(".memory.json"), report::dump_report(report::memory_json(program, cfg.name)));
  result.written = {rknn_path, report_path, path(".perf.json"), path(".perf.txt"), path(".memory.json")};
  timer.done("write");

  if (!req.accuracy_inputs.empty()) {
    stage_accuracy_analysis(*numerics.golden, graph, req.accuracy_inputs, cfg, req.out_dir, out, result.written);
    timer.done("accuracy_analysis");
  }

  report::BuildReportInput info;
  info.config = &cfg;
  info.target = tgt.name;
  info.graph = &compiled.graph;
  info.ops_before = ops_before;
  info.weight_bytes_before = weight_bytes_before;
  info.passes = pass_records;
  info.quantization = numerics.report;
  info.placement = report::placement_json(program);
  info.warnings = result.warnings;
  info.timings = timer.timings();
  for (const auto& p : result.written) info.outputs_written.push_back(p.filename().string());
  out.add(rknn_path, rknn_bytes);
  out.add(report_path, report::dump_report(report::build_report(info)));
  throw_if_cancelled(req.cancel);  // a cancelled run commits nothing
  out.commit();
  return result;
}

}  // namespace rknnc::driver
