// The default command, rknn_convert's interface unchanged:
//   rknnc -t TARGET -i model.yml -o OUTDIR [-e] [-a "a.jpg b.jpg"] [-d [SERIAL]] [-v]
#include <fmt/format.h>

#include <cstdio>

#include "cli/commands.h"
#include "driver/convert.h"
#include "util/error.h"

namespace rknnc::cli {
namespace {

struct ConvertArgs {
  std::string target, yaml, out_dir, accuracy_inputs;
  std::vector<std::string> device;
  bool eval = false, verbose = false;
  CLI::Option* device_opt = nullptr;
  CLI::Option* accuracy_opt = nullptr;
};

// Flags whose feature a later stage adds: accepted by the parser so scripts
// written for rknn_convert parse, then refused with a clear message.
void refuse_unavailable(const ConvertArgs& a) {
  if (a.eval)
    fail_config("-e (eval_perf / eval_memory) is not available yet in rknnc {}; convert without -e", RKNNC_VERSION);
  if (a.accuracy_opt->count())
    fail_config("-a (accuracy analysis) is not available yet in rknnc {}; convert without -a", RKNNC_VERSION);
  if (a.device_opt->count())
    fail_config("-d (run on a board over adb) is not available yet in rknnc {}; convert without -d", RKNNC_VERSION);
}

int convert(const ConvertArgs& a) {
  if (a.yaml.empty() || a.target.empty() || a.out_dir.empty())
    fail_config("converting needs -t TARGET, -i model.yml and -o OUTDIR (see rknnc --help)");
  refuse_unavailable(a);
  driver::ConvertRequest req;
  req.yaml = a.yaml;
  req.target = a.target;
  req.out_dir = a.out_dir;
  req.verbose = a.verbose;
  driver::ConvertResult r = driver::convert(req);
  for (const auto& w : r.warnings) std::fprintf(stderr, "rknnc: warning: %s\n", w.c_str());
  if (a.verbose)
    for (const auto& line : r.log) std::fprintf(stderr, "rknnc: %s\n", line.c_str());
  for (const auto& p : r.written) fmt::print("{}\n", p.string());
  return 0;
}

}  // namespace

Command add_convert(CLI::App& app) {
  auto a = std::make_shared<ConvertArgs>();
  app.add_option("-t,--target", a->target, "target platform (rknnc targets lists them), e.g. rk3588");
  app.add_option("-i,--input", a->yaml, "model config YAML in rknn_convert format");
  app.add_option("-o,--output", a->out_dir, "output folder for {name}.rknn and {name}.build.json");
  app.add_flag("-e,--eval", a->eval, "estimate eval_perf / eval_memory (not available yet)");
  a->accuracy_opt = app.add_option("-a,--accuracy", a->accuracy_inputs,
                                   "accuracy analysis on these inputs, e.g. \"a.jpg b.jpg\" (not available yet)");
  a->device_opt = app.add_option("-d,--device", a->device, "run on a board over adb [SERIAL] (not available yet)")
                      ->expected(0, 1);
  app.add_flag("-v,--verbose", a->verbose, "print pass statistics and details");
  return [a] { return convert(*a); };
}

}  // namespace rknnc::cli
