#include "driver/numerics.h"

#include <fmt/format.h>

#include "dataset/sample_loader.h"
#include "driver/hybrid.h"
#include "quant/calibrate.h"
#include "quant/float16.h"
#include "quant/mixed_range.h"
#include "quant/prepare.h"
#include "quant/quantize_graph.h"
#include "util/cancel.h"
#include "util/error.h"
#include "util/progress.h"

namespace rknnc::driver {

void append_mixed_range_warnings(const ir::Graph& g, const quant::Calibration& cal,
                                 const std::set<std::string>& float_layers, std::vector<std::string>& warnings) {
  for (auto& w : quant::mixed_range_warnings(g, cal, float_layers)) warnings.push_back(std::move(w));
}

quant::Calibration calibrate_on_dataset(const ir::Graph& g, const config::ModelConfig& cfg,
                                        const std::atomic<bool>* cancel, std::vector<std::string>& warnings) {
  if (cfg.dataset.empty())
    fail_config("{} is true but no dataset is given; add `dataset: dataset.txt` (one calibration sample "
                "per line) or set quantize: false", cfg.where("quantize"));
  const dataset::SampleStream stream(cfg.dataset, dataset::input_specs(g, cfg.configs.quant_img_RGB2BGR), &warnings);
  quant::CalibrationOptions options;
  options.algorithm = quant::algorithm_from_name(cfg.configs.quantized_algorithm);
  Progress progress("calibrating", stream.size());
  options.progress = [&](size_t done, size_t) { progress.update(done); };
  return quant::calibrate(g, stream.size(), [&](size_t i) {
    throw_if_cancelled(cancel);
    return stream.load(i);
  }, options);
}

namespace {

void log_ranges(const ir::Graph& g, std::vector<std::string>& log) {
  for (const auto& [name, p] : g.quant) {
    if (p.per_channel() || g.is_constant(name)) continue;
    const double lo = (-128 - p.zero_point_at(0)) * static_cast<double>(p.scale_at(0));
    const double hi = (127 - p.zero_point_at(0)) * static_cast<double>(p.scale_at(0));
    log.push_back(fmt::format("quant {:<40} range [{:.6g}, {:.6g}] scale {:.6g} zero_point {}", name, lo, hi,
                              p.scale_at(0), p.zero_point_at(0)));
  }
}

nlohmann::json stats_json(const quant::QuantizeStats& s, const quant::Calibration& cal, const config::ModelConfig& cfg) {
  return {{"dtype", cfg.configs.quantized_dtype},
          {"algorithm", cfg.configs.quantized_algorithm},
          {"method", cfg.configs.quantized_method},
          {"calibration_samples", cal.samples},
          {"int8_nodes", s.int8_nodes},
          {"float_nodes", s.float_nodes},
          {"float_ops", s.float_ops},
          {"quantize_nodes", s.quantize_nodes},
          {"dequantize_nodes", s.dequantize_nodes}};
}

// int8 with the parameters a QDQ model carries (quant/qdq_import.h).
NumericsResult qdq_numerics(ir::Graph& graph, const config::ModelConfig& cfg, const quant::QdqImport& qdq,
                            const std::atomic<bool>* cancel, std::vector<std::string>& warnings,
                            std::vector<std::string>& log) {
  NumericsResult r;
  quant::prepare_for_int8(graph);
  quant::Calibration cal;
  if (cfg.quantize) cal = calibrate_on_dataset(graph, cfg, cancel, warnings);
  r.golden = graph;
  const quant::QuantizeStats stats = quant::quantize_graph(
      graph, cal, quant::method_from_name(cfg.configs.quantized_method), &qdq.params, !cfg.quantize);
  for (const auto& w : stats.warnings) warnings.push_back(w);
  log_ranges(graph, log);
  r.mode = "int8";
  r.report = stats_json(stats, cal, cfg);
  r.report["parameters"] = cfg.quantize ? "model (QuantizeLinear / DequantizeLinear), calibration for the rest"
                                        : "model (QuantizeLinear / DequantizeLinear)";
  if (!cfg.quantize) r.report["algorithm"] = "none";
  r.report["qdq"] = {{"pairs_removed", qdq.pairs}, {"constants_folded", qdq.constants},
                     {"tensors_with_parameters", qdq.params.size()}};
  return r;
}

}  // namespace

NumericsResult apply_numerics(ir::Graph& graph, const config::ModelConfig& cfg, const std::atomic<bool>* cancel,
                              std::vector<std::string>& warnings, std::vector<std::string>& log,
                              const HybridRequest* hybrid, const quant::QdqImport* qdq) {
  if (qdq) return qdq_numerics(graph, cfg, *qdq, cancel, warnings, log);
  NumericsResult r;
  if (cfg.quantize) {
    quant::prepare_for_int8(graph);
    const quant::Calibration cal = calibrate_on_dataset(graph, cfg, cancel, warnings);
    r.golden = graph;
    const quant::Method method = quant::method_from_name(cfg.configs.quantized_method);
    nlohmann::json hybrid_report;
    if (!hybrid) append_mixed_range_warnings(graph, cal, {}, warnings);
    const quant::QuantizeStats stats =
        hybrid ? quantize_with_cfg(graph, cal, method, cfg.name, *hybrid, hybrid_report, warnings)
               : quant::quantize_graph(graph, cal, method);
    log_ranges(graph, log);
    r.mode = "int8";
    r.report = stats_json(stats, cal, cfg);
    if (hybrid) r.report["hybrid"] = hybrid_report;
    return r;
  }
  r.golden = graph;
  r.mode = cfg.configs.float_dtype;
  r.report = {{"dtype", cfg.configs.float_dtype}};
  if (cfg.configs.quantize_weight) {
    const int64_t saved = quant::quantize_weights_only(graph, cfg.configs.quantized_method == "channel");
    r.mode += " with int8 weights";
    r.report["weights"] = {{"dtype", "int8"}, {"method", cfg.configs.quantized_method}, {"bytes_saved", saved}};
  }
  if (cfg.configs.float_dtype == "float16") quant::convert_to_float16(graph);
  return r;
}

}  // namespace rknnc::driver
