#include "quant/mixed_range.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "quant/op_rules.h"

namespace rknnc::quant {
namespace {

struct InputSpan {
  std::string tensor;
  Range range;
  double span = 0;  // the int8 range's width: [min(0, lo), max(0, hi)]
};

std::vector<InputSpan> calibrated_inputs(const ir::Graph& g, const ir::Node& n, const Calibration& cal) {
  std::vector<InputSpan> out;
  for (const auto& in : n.inputs) {
    auto it = cal.stats.find(in);
    if (in.empty() || g.is_constant(in) || it == cal.stats.end() || !it->second.seen()) continue;
    const Range r = cal.range(in);
    const double span = std::max(0.0, static_cast<double>(r.hi)) - std::min(0.0, static_cast<double>(r.lo));
    if (span > 0) out.push_back({in, r, span});
  }
  return out;
}

}  // namespace

std::vector<MixedConcat> mixed_range_concats(const ir::Graph& g, const Calibration& cal,
                                             const std::set<std::string>& float_layers) {
  std::vector<MixedConcat> found;
  for (const auto& n : g.nodes) {
    if (n->op_type != "Concat" || !find_rule(g, *n) || float_layers.count(n->outputs[0])) continue;
    const std::vector<InputSpan> inputs = calibrated_inputs(g, *n, cal);
    if (inputs.size() < 2) continue;
    const auto [narrow, wide] = std::minmax_element(inputs.begin(), inputs.end(),
                                                    [](const InputSpan& a, const InputSpan& b) { return a.span < b.span; });
    const double factor = wide->span / narrow->span;
    if (factor > kMixedRangeFactor)
      found.push_back({n.get(), narrow->tensor, wide->tensor, narrow->range, wide->range, factor});
  }
  return found;
}

std::vector<std::string> mixed_range_warnings(const ir::Graph& g, const Calibration& cal,
                                              const std::set<std::string>& float_layers) {
  std::vector<std::string> warnings;
  for (const MixedConcat& m : mixed_range_concats(g, cal, float_layers))
    warnings.push_back(fmt::format(
        "Concat '{}' (node '{}'): input '{}' spans [{:.4g}, {:.4g}] and input '{}' [{:.4g}, {:.4g}], {:.0f}x wider; on "
        "the output's one int8 scale '{}' keeps about {:.1f} of 256 levels; run the Concat in float16 (rknnc hybrid "
        "step1 --proposal or step1/step2, docs/hybrid.md) or concatenate outside the model",
        m.node->outputs[0], m.node->name, m.narrow, m.narrow_range.lo, m.narrow_range.hi, m.wide, m.wide_range.lo,
        m.wide_range.hi, m.factor, m.narrow, 256.0 / m.factor));
  return warnings;
}

}  // namespace rknnc::quant
