// The default command, rknn_convert's interface plus batch conversion:
//   rknnc -t TARGET[,TARGET…] -i model.yml|DIR [-i …] -o OUTDIR [-j N] [--force] [-M|--depfile FILE]
//         [--json] [-q] [-e] [-a "a.jpg b.jpg"] [-d [SERIAL]] [-v]
// One model and one target write into OUTDIR; more write OUTDIR/{target}/ and
// OUTDIR/summary.json. The batch logic is lib/batch; this file parses and prints.
#include <fmt/format.h>

#include <cstdio>
#include <mutex>

#include "batch/batch.h"
#include "batch/depfile.h"
#include "batch/expand.h"
#include "batch/interrupt.h"
#include "batch/summary.h"
#include "cli/commands.h"
#include "dataset/sample_loader.h"
#include "cli/convert_output.h"
#include "report/build_report.h"
#include "report/perf_report.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace rknnc::cli {
namespace {

struct ConvertArgs {
  std::vector<std::string> targets, inputs, device;
  std::string out_dir, accuracy_inputs, depfile;
  int jobs = 0;
  bool eval = false, verbose = false, force = false, per_job_depfile = false, json = false, quiet = false;
  CLI::Option* device_opt = nullptr;
  CLI::Option* accuracy_opt = nullptr;
};

// rknn_convert flags rknnc cannot honour: accepted by the parser so scripts
// written for rknn_convert parse, then refused saying what to do instead.
void refuse_unavailable(const ConvertArgs& a) {
  if (a.device_opt->count())
    fail_config("-d runs the model on a board over adb, which rknnc {} does not do; convert without -d, copy the "
                ".rknn to the board and run it there with the RKNN runtime (librknnrt)", RKNNC_VERSION);
}

void print_job_messages(const batch::Job& job, const batch::JobResult& r, bool batch_mode, bool verbose) {
  const std::string tag = batch_mode ? fmt::format("[{}/{}] ", job.target.name, r.name) : "";
  for (const auto& w : r.warnings) std::fprintf(stderr, "rknnc: warning: %s%s\n", tag.c_str(), w.c_str());
  if (verbose)
    for (const auto& line : r.log) std::fprintf(stderr, "rknnc: %s%s\n", tag.c_str(), line.c_str());
}

// -e: the estimated eval_perf and eval_memory tables, read back from the
// perf.txt and memory.json the conversion wrote (also when it was skipped as
// up to date).
void print_estimates(const batch::JobResult& r) {
  for (const auto& o : r.outputs) {
    const std::string file = o.path.filename().string();
    if (file.ends_with(".perf.txt")) fmt::print("\n{}", read_file(o.path, "perf table"));
    if (file.ends_with(".memory.json"))
      fmt::print("\n{}", report::memory_text(nlohmann::json::parse(read_file(o.path, "memory report"))));
  }
}

// One model for one target: today's output, an error is the one stderr line.
int finish_single(const ConvertArgs& a, const batch::Job& job, const batch::JobResult& r) {
  if (r.status == batch::Status::Failed || r.status == batch::Status::Cancelled) {
    std::fprintf(stderr, "rknnc: error: %s\n", r.error.c_str());
    return r.exit_code;
  }
  if (!a.quiet) print_job_messages(job, r, false, a.verbose);
  if (r.status == batch::Status::Skipped && !a.quiet)
    std::fprintf(stderr, "rknnc: %s for %s is up to date (inputs unchanged; --force converts again)\n", r.name.c_str(),
                 job.target.name.c_str());
  if (!a.quiet && !a.json)
    for (const auto& o : r.outputs) fmt::print("{}\n", o.path.string());
  if (a.eval) print_estimates(r);
  return 0;
}

int finish_batch(const ConvertArgs& a, const std::vector<batch::Job>& jobs, const batch::BatchResult& result,
                 const nlohmann::json& summary) {
  write_file_atomic(batch::summary_path(a.out_dir), report::dump_report(summary));
  if (!a.quiet && !a.json)
    for (const auto& r : result.results)
      for (const auto& o : r.outputs) fmt::print("{}\n", o.path.string());
  if (!a.quiet) std::fputs(summary_table(jobs, result, colour_enabled(stderr)).c_str(), stderr);
  const int code = batch::exit_code(result);
  if (code == static_cast<int>(ExitCode::Interrupted))
    std::fputs("rknnc: interrupted: finished outputs are kept, unfinished ones were not written\n", stderr);
  return code;
}

int convert(const ConvertArgs& a) {
  if (a.inputs.empty() || a.targets.empty() || a.out_dir.empty())
    fail_config("converting needs -t TARGET, -i model.yml and -o OUTDIR (see rknnc --help)");
  refuse_unavailable(a);
  if (!a.depfile.empty()) check_writable(a.depfile, "--depfile");
  const auto jobs = batch::make_jobs(batch::expand_configs(a.inputs), batch::resolve_targets(a.targets), a.out_dir);
  const bool batch_mode = jobs.size() > 1;
  const bool colour = colour_enabled(stderr);
  batch::Options opt;
  opt.jobs = a.jobs;
  opt.force = a.force;
  opt.verbose = a.verbose;
  opt.write_depfiles = a.per_job_depfile;
  opt.cancel = batch::install_interrupt_flag();
  if (a.accuracy_opt->count()) {
    if (batch_mode) fail_config("-a analyses one model for one target; give a single -i and -t with -a");
    opt.accuracy_inputs = dataset::split_inputs(a.accuracy_inputs);
    opt.force = true;  // the analysis files are not part of the incremental record
  }
  std::mutex print_mutex;
  size_t finished = 0;
  if (batch_mode)
    opt.on_done = [&](size_t i, const batch::JobResult& r) {
      std::lock_guard lock(print_mutex);
      ++finished;
      if (r.status == batch::Status::Cancelled) return;
      if (r.status == batch::Status::Failed || !a.quiet)
        std::fprintf(stderr, "%s\n", progress_line(finished - 1, jobs.size(), jobs[i], r, colour).c_str());
      if (!a.quiet) print_job_messages(jobs[i], r, true, a.verbose);
    };
  const batch::BatchResult result = batch::run_batch(jobs, opt);
  const std::string deps = batch::depfile_text(result.results);
  if (!a.depfile.empty() && !deps.empty()) write_file_atomic(a.depfile, deps);
  const nlohmann::json summary = batch::summary_json(jobs, result, a.out_dir);
  if (a.json) fmt::print("{}", report::dump_report(summary));
  return batch_mode ? finish_batch(a, jobs, result, summary) : finish_single(a, jobs[0], result.results[0]);
}

}  // namespace

Command add_convert(CLI::App& app) {
  auto a = std::make_shared<ConvertArgs>();
  app.add_option("-t,--target", a->targets,
                 "target platform(s): a name or alias (rknnc targets lists them); several as rk3588,rk3566 or repeated")
      ->delimiter(',');
  app.add_option("-i,--input", a->inputs,
                 "model config YAML(s) in rknn_convert format, or folders (every *.yml / *.yaml inside, sorted)");
  app.add_option("-o,--output", a->out_dir,
                 "output folder: {name}.rknn, {name}.build.json; several models or targets: {target}/{name}.* and "
                 "summary.json");
  app.add_option("-j,--jobs", a->jobs, "convert N jobs in parallel (default: one per CPU core)")
      ->check(CLI::Range(1, 1024));
  app.add_flag("--force", a->force, "convert even when the inputs are unchanged since the last conversion");
  app.add_flag("-M", a->per_job_depfile, "write a Make depfile {name}.d beside each model's outputs");
  app.add_option("--depfile", a->depfile, "write one Make depfile listing every file each conversion read");
  app.add_flag("--json", a->json, "print the results as JSON on stdout (the summary.json format)");
  app.add_flag("-q,--quiet", a->quiet, "print errors only");
  app.add_flag("-e,--eval", a->eval,
               "print the estimated eval_perf / eval_memory tables (cost model and memory plan; also written to "
               "{name}.perf.txt / .perf.json / .memory.json)");
  a->accuracy_opt = app.add_option("-a,--accuracy", a->accuracy_inputs,
                                   "accuracy analysis on these inputs (one file per model input), e.g. \"a.jpg b.jpg\": writes "
                                   "error_analysis.txt, accuracy.json and snapshot/");
  a->device_opt = app.add_option("-d,--device", a->device, "run on a board over adb [SERIAL] (refused: rknnc does not drive boards)")
                      ->expected(0, 1);
  app.add_flag("-v,--verbose", a->verbose, "print pass statistics and details");
  return [a] { return convert(*a); };
}

}  // namespace rknnc::cli
