#include "report/accuracy_report.h"

#include <fmt/format.h>

#include <cmath>

namespace rknnc::report {
namespace {

std::string label(const quant::LayerError& e) { return fmt::format("[{}] {}", e.op, e.tensor); }

// Finite numbers for JSON (a zero tensor pair has no cosine: null).
nlohmann::json number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

}  // namespace

std::string error_analysis_text(const quant::AccuracyAnalysis& a) {
  std::string out =
      "# simulator_error: calculate the output error of each layer of the simulator (compared to the 'golden' value).\n"
      "#            entire: output error of each layer between 'golden' and 'simulator', these errors will accumulate "
      "layer by layer.\n"
      "#            single: single-layer output error between 'golden' and 'simulator', can better reflect the "
      "single-layer accuracy of the simulator.\n\n";
  size_t column = 40;  // where the numbers start: after the longest layer label
  for (const auto& e : a.layers) column = std::max(column, label(e).size() + 2);
  out += fmt::format("{:<{}}simulator_error\n", "layer_name", column);
  out += fmt::format("{:<{}}entire                 single\n", "", column + 4);
  out += fmt::format("{:<{}}cos      euc           cos      euc\n", "", column + 1);
  out += std::string(column + 42, '-') + "\n";
  int flagged = 0;
  for (const auto& e : a.layers) {
    std::string row = fmt::format("{:<{}}{:.5f} | {:<10.5g}  {:.5f} | {:<10.5g}{}", label(e), column, e.entire_cos,
                                  e.entire_euc, e.single_cos, e.single_euc, e.flagged ? "  <- single cos < 0.99" : "");
    row.erase(row.find_last_not_of(' ') + 1);
    out += row + "\n";
    flagged += e.flagged;
  }
  if (flagged)
    out += fmt::format(
        "\n# {} layer(s) lose accuracy on their own (single cos < {}): try quantized_algorithm mmse or "
        "kl_divergence, quantized_method channel, or hybrid quantisation of those layers (004 §6.3).\n",
        flagged, quant::kFlagCosine);
  return out;
}

nlohmann::json accuracy_json(const quant::AccuracyAnalysis& a, const std::vector<std::string>& input_files) {
  nlohmann::json layers = nlohmann::json::array();
  std::vector<std::string> flagged;
  for (const auto& e : a.layers) {
    layers.push_back({{"op", e.op},
                      {"tensor", e.tensor},
                      {"quantized", e.quantized},
                      {"entire", {{"cos", number(e.entire_cos)}, {"euc", number(e.entire_euc)}}},
                      {"single", {{"cos", number(e.single_cos)}, {"euc", number(e.single_euc)}}},
                      {"flagged", e.flagged}});
    if (e.flagged) flagged.push_back(e.tensor);
  }
  return {{"inputs", input_files}, {"flag_cosine", quant::kFlagCosine}, {"layers", std::move(layers)},
          {"flagged", flagged}};
}

}  // namespace rknnc::report
