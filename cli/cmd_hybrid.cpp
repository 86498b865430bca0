// rknnc hybrid step1 -t TARGET -i model.yml -o OUTDIR [--proposal [--target-cos C] [--max-layers K]]
// rknnc hybrid step2 -t TARGET -i model.yml -o OUTDIR [--cfg FILE]
// Hybrid quantisation (004 §6.3); the work is in driver/hybrid.h.
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <optional>

#include "batch/interrupt.h"
#include "cli/commands.h"
#include "config/model_config.h"
#include "driver/convert.h"
#include "driver/hybrid.h"
#include "util/error.h"

namespace rknnc::cli {
namespace {

struct HybridArgs {
  std::string target, input, out_dir, cfg;
  bool verbose = false;
  bool proposal = false;
  std::string target_cos, max_layers;  // checked by proposal_options
};

void add_common(CLI::App* sub, HybridArgs& a) {
  sub->add_option("-t,--target", a.target, "target platform: a name or alias (rknnc targets lists them)")->required();
  sub->add_option("-i,--input", a.input, "model config YAML in rknn_convert format (quantize: true, dataset)")
      ->required();
  sub->add_option("-o,--output", a.out_dir, "output folder")->required();
  sub->add_flag("-v,--verbose", a.verbose, "print pass statistics and details");
}

driver::ConvertRequest request(const HybridArgs& a) {
  driver::ConvertRequest r;
  r.yaml = a.input;
  r.target = a.target;
  r.out_dir = a.out_dir;
  r.verbose = a.verbose;
  r.cancel = batch::install_interrupt_flag();
  return r;
}

int finish(const driver::ConvertResult& r, bool verbose) {
  for (const auto& w : r.warnings) std::fprintf(stderr, "rknnc: warning: %s\n", w.c_str());
  if (verbose)
    for (const auto& line : r.log) std::fprintf(stderr, "rknnc: %s\n", line.c_str());
  for (const auto& p : r.written) fmt::print("{}\n", p.string());
  return 0;
}

// --proposal's options; a bad value is a one-line error (exit 2) before any work.
std::optional<quant::ProposalOptions> proposal_options(const HybridArgs& a) {
  if (!a.proposal) return std::nullopt;
  quant::ProposalOptions o;
  if (!a.target_cos.empty()) {
    char* end = nullptr;
    o.target_cos = std::strtod(a.target_cos.c_str(), &end);
    if (*end != '\0' || !(o.target_cos > 0 && o.target_cos <= 1))
      fail_config("--target-cos {}: give the output cosine to reach, a number in (0, 1], e.g. 0.995", a.target_cos);
  }
  if (!a.max_layers.empty()) {
    char* end = nullptr;
    const long k = std::strtol(a.max_layers.c_str(), &end, 10);
    if (*end != '\0' || k < 1 || k > 100000)
      fail_config("--max-layers {}: give how many layers the proposal may move to float16, a whole number >= 1",
                  a.max_layers);
    o.max_layers = static_cast<int>(k);
  }
  return o;
}

// step2 without --cfg: the file step1 wrote, OUTDIR/{name}.quantization.cfg.
std::filesystem::path default_cfg(const HybridArgs& a) {
  const config::ModelConfig cfg = config::load_model_config(a.input);
  return std::filesystem::path(a.out_dir) / (cfg.name + ".quantization.cfg");
}

}  // namespace

Command add_hybrid(CLI::App& app) {
  auto a = std::make_shared<HybridArgs>();
  CLI::App* sub = app.add_subcommand(
      "hybrid", "Hybrid quantisation (004 §6.3): step1 writes an editable .quantization.cfg, step2 builds the .rknn "
                "from the edited file");
  sub->require_subcommand(1);
  CLI::App* step1 = sub->add_subcommand(
      "step1", "Write OUTDIR/{name}.model + {name}.data (the optimised float32 model as ONNX) and "
               "{name}.quantization.cfg (int8 parameters per tensor, single-layer cosines)");
  add_common(step1, *a);
  CLI::Option* proposal = step1->add_flag(
      "--proposal", a->proposal,
      "pre-fill custom_quantize_layers with the layers whose float16 version raises the model output cosine most "
      "(measured; mixed-range Concats first), each with its cosines (docs/hybrid.md)");
  step1->add_option("--target-cos", a->target_cos,
                    fmt::format("with --proposal: stop once the output cosine vs float32 reaches this (default {})",
                                quant::kDefaultTargetCos))
      ->needs(proposal);
  step1->add_option("--max-layers", a->max_layers,
                    fmt::format("with --proposal: at most K float16 layers (default {})", quant::kDefaultMaxLayers))
      ->needs(proposal);
  CLI::App* step2 = sub->add_subcommand(
      "step2", "Convert with the edited cfg: layers in custom_quantize_layers run float16, every other tensor uses "
               "the cfg's int8 parameters; writes the same files as a conversion");
  add_common(step2, *a);
  step2->add_option("--cfg", a->cfg, "the edited cfg (default: OUTDIR/{name}.quantization.cfg)");
  return [a, step1] {
    driver::ConvertRequest r = request(*a);
    if (step1->parsed()) {
      const auto options = proposal_options(*a);
      return finish(driver::hybrid_step1(r, options), a->verbose);
    }
    r.hybrid_cfg = a->cfg.empty() ? default_cfg(*a) : std::filesystem::path(a->cfg);
    return finish(driver::convert(r), a->verbose);
  };
}

}  // namespace rknnc::cli
