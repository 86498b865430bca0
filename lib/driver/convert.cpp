#include "driver/convert.h"

#include <optional>

#include "driver/accuracy_stage.h"
#include "driver/compile_stage.h"
#include "driver/numerics.h"
#include "driver/optimize_stage.h"
#include "format/envelope.h"
#include "format/rknn_file.h"
#include "ir/verifier.h"
#include "report/build_report.h"
#include "report/perf_report.h"
#include "target/target.h"
#include "util/atomic_file.h"
#include "util/cancel.h"
#include "util/error.h"

namespace rknnc::driver {
namespace {

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
  std::optional<format::EncryptionKey> key;
  OptimizedModel m =
      load_and_optimize(req, result, timer, [&](const config::ModelConfig& c) { key = encryption_key(c); });
  const config::ModelConfig& cfg = m.cfg;
  const target::Target& tgt = m.tgt;
  ir::Graph& graph = m.graph;
  const auto& preprocess = m.preprocess;

  HybridRequest hybrid{req.hybrid_cfg.empty() ? cfg.configs.hybrid_cfg : req.hybrid_cfg, &tgt};
  if (!hybrid.cfg_file.empty() && !cfg.quantize)
    fail_config("{} is false; hybrid quantisation ({}) needs quantize: true", cfg.where("quantize"),
                hybrid.cfg_file.string());
  if (!hybrid.cfg_file.empty() && m.qdq)
    fail_config("{}: the model carries its own QuantizeLinear / DequantizeLinear parameters, which a hybrid cfg ({}) "
                "cannot edit; remove configs.hybrid_cfg, or start from the float model", cfg.model_file_path.string(),
                hybrid.cfg_file.string());
  NumericsResult numerics = apply_numerics(graph, cfg, req.cancel, result.warnings, result.log,
                                           hybrid.cfg_file.empty() ? nullptr : &hybrid, m.qdq ? &*m.qdq : nullptr);
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
  info.ops_before = m.ops_before;
  info.weight_bytes_before = m.weight_bytes_before;
  info.passes = m.pass_records;
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
