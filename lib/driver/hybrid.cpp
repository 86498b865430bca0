#include "driver/hybrid.h"

#include <fmt/format.h>

#include <algorithm>

#include "util/sha256.h"
#include "dataset/sample_loader.h"
#include "driver/optimize_stage.h"
#include "frontends/onnx_export.h"
#include "quant/accuracy.h"
#include "quant/float16.h"
#include "quant/hybrid_cfg.h"
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

runtime::TensorMap first_sample(const ir::Graph& g, const config::ModelConfig& cfg) {
  std::vector<std::string> warnings;  // calibration reported them already
  const dataset::SampleStream stream(cfg.dataset, dataset::input_specs(g, cfg.configs.quant_img_RGB2BGR), &warnings);
  const std::vector<ir::Tensor> tensors = stream.load(0);
  runtime::TensorMap inputs;
  for (size_t i = 0; i < g.inputs.size(); ++i) inputs[g.inputs[i]] = tensors.at(i);
  return inputs;
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

}  // namespace

ConvertResult hybrid_step1(const ConvertRequest& req) {
  StageTimer timer;
  ConvertResult result;
  OptimizedModel m = load_and_optimize(req, result, timer);
  if (!m.cfg.quantize)
    fail_config("{} is false; hybrid quantisation calibrates int8: set quantize: true and a dataset",
                m.cfg.where("quantize"));
  quant::prepare_for_int8(m.graph);
  const quant::Calibration cal = calibrate_on_dataset(m.graph, m.cfg, req.cancel, result.warnings);
  throw_if_cancelled(req.cancel);
  append_mixed_range_warnings(m.graph, cal, {}, result.warnings);
  ir::Graph quantized;
  quant::HybridCfg cfg =
      calibrated_cfg(m.graph, cal, quant::method_from_name(m.cfg.configs.quantized_method), quantized);
  add_cosine_comments(cfg, m.graph, quantized, first_sample(m.graph, m.cfg));
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
