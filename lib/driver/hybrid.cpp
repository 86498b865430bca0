#include "driver/hybrid.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "util/sha256.h"
#include "dataset/sample_loader.h"
#include "driver/optimize_stage.h"
#include "frontends/onnx_export.h"
#include "quant/accuracy.h"
#include "quant/float16.h"
#include "quant/hybrid_cfg.h"
#include "quant/hybrid_proposal.h"
#include "quant/prepare.h"
#include "util/atomic_file.h"
#include "util/cancel.h"
#include "util/error.h"

namespace rknnc::driver {
namespace {

constexpr int64_t kModelMinOpset = 13;  // Clip bounds as inputs, which unfused activations use

struct GoldenExport {
  std::string model, data, sha256;
};

// The prepared float graph as plain ONNX: fused activations become their own
// nodes again (the fused op writes `<tensor>_preact`, the activation keeps the
// tensor's name). Its hash is the model fingerprint a cfg carries.
GoldenExport export_golden(const ir::Graph& prepared, const std::string& model_name) {
  ir::Graph g = prepared;
  quant::unfuse_activations(g, true);
  frontends::ExternalData ext{model_name + ".data", {}};
  GoldenExport e;
  e.model = frontends::export_onnx(g, std::max(kModelMinOpset, g.opset), &ext);
  e.data = std::move(ext.bytes);
  e.sha256 = Sha256().update(e.model).update(e.data).hex();
  return e;
}

// The cfg as the plain int8 conversion would use it (graph order), and the
// plainly quantised graph.
quant::HybridCfg calibrated_cfg(const ir::Graph& prepared, const quant::Calibration& cal, quant::Method method,
                                ir::Graph& quantized) {
  quantized = prepared;
  const quant::QuantizeStats stats = quant::quantize_graph(quantized, cal, method);
  std::map<std::string, size_t> position;
  for (const auto& in : prepared.inputs) position.emplace(in, position.size());
  for (const auto& n : prepared.nodes)
    for (const auto& out : n->outputs) position.emplace(out, position.size());
  std::vector<std::string> order = stats.own_params;
  std::stable_sort(order.begin(), order.end(), [&](const std::string& a, const std::string& b) {
    return position[a] < position[b];
  });
  quant::HybridCfg cfg;
  for (const auto& t : order) cfg.tensors.emplace_back(t, quant::cfg_tensor(cal, t));
  return cfg;
}

// The first `n` samples of the data set (all when it has fewer).
std::vector<runtime::TensorMap> first_samples(const ir::Graph& g, const config::ModelConfig& cfg, size_t n) {
  std::vector<std::string> warnings;  // calibration reported them already
  const dataset::SampleStream stream(cfg.dataset, dataset::input_specs(g, cfg.configs.quant_img_RGB2BGR), &warnings);
  std::vector<runtime::TensorMap> samples;
  for (size_t s = 0; s < std::min(n, stream.size()); ++s) {
    const std::vector<ir::Tensor> tensors = stream.load(s);
    runtime::TensorMap inputs;
    for (size_t i = 0; i < g.inputs.size(); ++i) inputs[g.inputs[i]] = tensors.at(i);
    samples.push_back(std::move(inputs));
  }
  return samples;
}

// One comment per tensor: its layer's single-layer cosine (004 §7.1 `single`).
void add_cosine_comments(quant::HybridCfg& cfg, const ir::Graph& golden, const ir::Graph& quantized,
                         const runtime::TensorMap& inputs) {
  const quant::AccuracyAnalysis a = quant::analyse_accuracy(golden, quantized, inputs);
  std::map<std::string, const quant::LayerError*> by_tensor;
  for (const auto& l : a.layers) by_tensor[l.tensor] = &l;
  for (auto& [name, t] : cfg.tensors) {
    auto it = by_tensor.find(name);
    if (it == by_tensor.end()) {
      t.comment = "model input";
      continue;
    }
    const quant::LayerError& l = *it->second;
    t.single_cos = l.single_cos;
    t.comment = fmt::format("{}: single-layer cosine {:.6f}{}", l.op, l.single_cos,
                            l.flagged ? fmt::format(" (below {}: a candidate for float16)", quant::kFlagCosine) : "");
  }
}

// --proposal lists layers as float16: the target must run float16.
void check_target_has_float16(const target::Target& t) {
  if (std::find(t.dtypes.begin(), t.dtypes.end(), "float16") == t.dtypes.end())
    fail_config("--proposal: {} runs only {} (its target file's dtypes), so no layer can move to float16; convert "
                "without --proposal, or take a target with float16 (rknnc targets)",
                t.name, fmt::join(t.dtypes, ", "));
}

// custom_quantize_layers pre-filled with the proposal's layers, each with its reason.
void add_proposal(quant::HybridCfg& cfg, const ir::Graph& prepared, const quant::Calibration& cal,
                  quant::Method method, const std::vector<runtime::TensorMap>& samples,
                  const quant::ProposalOptions& options, const std::atomic<bool>* cancel) {
  quant::ProposalInput in{&prepared, &cal, method, {}, samples};
  for (const auto& [tensor, t] : cfg.tensors)
    if (t.single_cos <= 1) in.candidates.emplace_back(tensor, t.single_cos);
  quant::Proposal p = quant::propose_float16_layers(in, options, cancel);
  cfg.custom_header = std::move(p.summary);
  cfg.custom_layers = std::move(p.layers);
}

}  // namespace

ConvertResult hybrid_step1(const ConvertRequest& req, const std::optional<quant::ProposalOptions>& proposal) {
  StageTimer timer;
  ConvertResult result;
  OptimizedModel m = load_and_optimize(req, result, timer);
  if (!m.cfg.quantize)
    fail_config("{} is false; hybrid quantisation calibrates int8: set quantize: true and a dataset",
                m.cfg.where("quantize"));
  if (proposal) check_target_has_float16(m.tgt);
  quant::prepare_for_int8(m.graph);
  const quant::Calibration cal = calibrate_on_dataset(m.graph, m.cfg, req.cancel, result.warnings);
  throw_if_cancelled(req.cancel);
  ir::Graph quantized;
  const quant::Method method = quant::method_from_name(m.cfg.configs.quantized_method);
  quant::HybridCfg cfg = calibrated_cfg(m.graph, cal, method, quantized);
  const std::vector<runtime::TensorMap> samples =
      first_samples(m.graph, m.cfg, proposal ? quant::kProposalSamples : 1);
  add_cosine_comments(cfg, m.graph, quantized, samples.at(0));
  if (proposal) add_proposal(cfg, m.graph, cal, method, samples, *proposal, req.cancel);
  std::set<std::string> listed;  // a Concat the proposal lists as float16 is handled: no warning
  for (const auto& l : cfg.custom_layers) listed.insert(l.tensor);
  append_mixed_range_warnings(m.graph, cal, listed, result.warnings);
  const GoldenExport golden = export_golden(m.graph, m.cfg.name);
  cfg.model_sha256 = golden.sha256;
  timer.done("hybrid_step1");
  const auto path = [&](const char* suffix) { return req.out_dir / (m.cfg.name + suffix); };
  StagedOutputs out;
  out.add(path(".model"), golden.model);
  out.add(path(".data"), golden.data);
  out.add(path(".quantization.cfg"), quant::write_hybrid_cfg(cfg, m.cfg.name));
  throw_if_cancelled(req.cancel);
  out.commit();
  result.written = {path(".model"), path(".data"), path(".quantization.cfg")};
  return result;
}

quant::QuantizeStats quantize_with_cfg(ir::Graph& graph, const quant::Calibration& cal, quant::Method method,
                                       const std::string& model_name, const HybridRequest& hybrid,
                                       nlohmann::json& report, std::vector<std::string>& warnings) {
  ir::Graph plain;
  const quant::HybridCfg calibrated = calibrated_cfg(graph, cal, method, plain);
  quant::CfgContext ctx{&graph, export_golden(graph, model_name).sha256, &calibrated, hybrid.target->name,
                        hybrid.target->dtypes};
  const quant::HybridPlan plan = quant::read_hybrid_cfg(hybrid.cfg_file, ctx);
  append_mixed_range_warnings(graph, cal, plan.half_layers, warnings);
  quant::run_layers_in_float16(graph, plan.half_layers);
  quant::QuantizeStats stats = quant::quantize_graph(graph, cal, method, &plan.params);
  quant::check_edits_used(plan, stats.own_params);
  std::vector<std::string> edited;
  for (const auto& [tensor, line] : plan.edited) edited.push_back(tensor);
  report = {{"cfg", hybrid.cfg_file.filename().string()},
            {"float16_layers", plan.half_layers},
            {"edited_tensors", edited}};
  return stats;
}

}  // namespace rknnc::driver
