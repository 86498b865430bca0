// rknnc hybrid step1 -t TARGET -i model.yml -o OUTDIR
// rknnc hybrid step2 -t TARGET -i model.yml -o OUTDIR [--cfg FILE]
// Hybrid quantisation (004 §6.3); the work is in driver/hybrid.h.
#include <fmt/format.h>

#include <cstdio>

#include "batch/interrupt.h"
#include "cli/commands.h"
#include "config/model_config.h"
#include "driver/convert.h"
#include "driver/hybrid.h"

namespace rknnc::cli {
namespace {

struct HybridArgs {
  std::string target, input, out_dir, cfg;
  bool verbose = false;
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
  CLI::App* step2 = sub->add_subcommand(
      "step2", "Convert with the edited cfg: layers in custom_quantize_layers run float16, every other tensor uses "
               "the cfg's int8 parameters; writes the same files as a conversion");
  add_common(step2, *a);
  step2->add_option("--cfg", a->cfg, "the edited cfg (default: OUTDIR/{name}.quantization.cfg)");
  return [a, step1] {
    driver::ConvertRequest r = request(*a);
    if (step1->parsed()) return finish(driver::hybrid_step1(r), a->verbose);
    r.hybrid_cfg = a->cfg.empty() ? default_cfg(*a) : std::filesystem::path(a->cfg);
    return finish(driver::convert(r), a->verbose);
  };
}

}  // namespace rknnc::cli
